import { after, before } from 'node:test';
import { openStorage } from '../../../src/tune/storage/open.js';
import { storageConformance } from './conformance.js';
import { freshDatabase, postgresSkip, startPostgres } from './helpers.js';

const skip = postgresSkip();
let db: { url: string; drop: () => Promise<void> } | undefined;

before(async () => {
  if (!skip) db = await freshDatabase(await startPostgres());
});
after(async () => {
  await db?.drop();
});

// One fresh database for the file; every test uses its own study name in it.
storageConformance('postgres', async () => ({ spec: { kind: 'postgres', url: db!.url }, open: () => openStorage(db!.url) }), { skip });
