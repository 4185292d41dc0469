// The load hook of offline-binary-bodies.mjs (it runs on Node's hooks thread).
const binaryTypes = ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];
const anchor = '"multipart/form-data",';

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (!url.includes('/serverless-offline/src/utils/index.js') || result.source == null) return result;
  const source = String(result.source);
  if (!source.includes(anchor)) throw new Error(`serverless-offline's list of binary media types was not found in ${url}; the local stack cannot take Excel bodies with this version`);
  return { ...result, source: source.replace(anchor, `${anchor} ${binaryTypes.map((t) => JSON.stringify(t)).join(', ')},`) };
}
