import { join } from 'node:path';
import { openStorage } from '../../../src/tune/storage/open.js';
import { storageConformance } from './conformance.js';
import { tempDir } from './helpers.js';

storageConformance('journal file', async () => {
  const path = join(tempDir(), 'study.jsonl');
  return { spec: { kind: 'journal', path }, open: () => openStorage(`journal:${path}`) };
});
