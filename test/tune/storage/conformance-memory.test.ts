import { JournalStorage } from '../../../src/tune/storage/journal-storage.js';
import { MemoryBackend } from '../../../src/tune/storage/memory.js';
import { storageConformance } from './conformance.js';

storageConformance('memory (in-process workers)', async () => {
  const backend = new MemoryBackend();
  return { open: async () => new JournalStorage(backend) };
});
