// The lab (`lvs-play lab up`) as an inventory: `lvs-play site.ts -i lab`.
import { labInventory } from 'lvs-play/lab';
export default labInventory();
