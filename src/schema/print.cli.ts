import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { buildRegistrySchema } from './build.js';
import { schemaSdl } from './print.js';

/** `npm run schema`: regenerates schema.graphql from the code. */
const out = process.argv[2] ?? 'schema.graphql';
await writeFile(out, schemaSdl(await buildRegistrySchema()));
console.log(`wrote ${out}`);
