// Loaded into the serverless-offline process (`node --import`): API Gateway hands a binary body
// such as an Excel workbook to Lambda base64-encoded (`isBase64Encoded`); serverless-offline does
// so only for application/octet-stream and multipart/form-data and decodes every other body as
// UTF-8, which destroys a workbook. This load hook adds the workbook media type to its list of
// binary types, so the local stack hands the handlers what API Gateway would.
import { register } from 'node:module';

register('./offline-binary-bodies-hook.mjs', import.meta.url);
