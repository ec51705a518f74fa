/**
 * YAML as Ansible (PyYAML, YAML 1.1) reads it: `yes`/`no`/`on`/`off` are booleans, but `y`/`n` stay text;
 * `!vault |` values parse to VaultedText, decrypted by revealIn (src/vault/reveal.ts).
 */
import type { DocumentOptions, ParseOptions, SchemaOptions, ToJSOptions } from 'yaml';
import { VAULT_TAGS } from '../vault/reveal.js';

type TagList = Extract<SchemaOptions['customTags'], readonly unknown[]>;

const PY_TRUE = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const PY_FALSE = /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;

function pyBools(tags: TagList): TagList {
  return [...tags.map((t) => {
    if (typeof t !== 'object' || t === null || !('tag' in t) || t.tag !== 'tag:yaml.org,2002:bool' || !('test' in t)) return t;
    const isTrue = (t.test as RegExp).test('true');
    return { ...t, test: isTrue ? PY_TRUE : PY_FALSE };
  }), ...VAULT_TAGS] as TagList;
}

export const YAML11: ParseOptions & DocumentOptions & SchemaOptions & ToJSOptions = {
  version: '1.1',
  customTags: pyBools,
};
