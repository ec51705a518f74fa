/** `template`: a file whose content a TypeScript function renders. */
import { LvsError } from '../errors.js';
import { buildFile, type FileOptions, type FileResource } from './file.js';
import { invalid } from './common.js';

/** The options of `template()`: a file whose content a function of the host renders. */
export interface TemplateOptions extends Omit<FileOptions, 'content' | 'state'> {
  /** Renders the file's content; called once, when the resource is built. */
  render: () => string | Buffer;
}

/** A file rendered by `render()` (at construction, so render errors surface before any host is touched). */
export function template(o: TemplateOptions): FileResource {
  if (typeof o !== 'object' || o === null || typeof o.render !== 'function') {
    throw invalid('template', 'render', o?.render, 'render must be a function returning the content', 'render: () => `listen ${port}\\n`');
  }
  let content: string | Buffer;
  try {
    content = o.render();
  } catch (e) {
    if (e instanceof LvsError) throw e;
    throw invalid('template', 'render', String(o.path), `render() threw: ${e instanceof Error ? e.message : String(e)}`, 'fix the render function or the vars it uses');
  }
  const { render: _render, ...rest } = o;
  return buildFile('template', { ...rest, content, state: 'present' });
}
