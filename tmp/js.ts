import { toJsonSchema } from '@valibot/to-json-schema';
import { fullSchema, partialSchema, uploadSchema } from '../functions/domain/session-schema';
const conv = (s: any) => toJsonSchema(s, { target: 'draft-2020-12', errorMode: 'ignore', typeMode: 'ignore', overrideSchema: (c) => c.valibotSchema.type === 'custom' ? {} : undefined });
console.log(JSON.stringify(conv(fullSchema), null, 1).slice(0, 3000));
