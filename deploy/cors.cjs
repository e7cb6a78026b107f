/**
 * The one source of CORS: API Gateway's (provider.httpApi.cors in serverless.yml, which serverless-offline serves
 * the same way locally). API Gateway answers the browser's preflight itself and sets the CORS headers of every answer,
 * replacing any a function would set, so the functions set none. CORS_ALLOWED_ORIGINS: comma-separated origins a
 * browser may call from; `*` (the default) for any.
 */
'use strict';

module.exports = async ({ resolveVariable }) => {
  const raw = await resolveVariable("env:CORS_ALLOWED_ORIGINS, '*'");
  const origins = String(raw)
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  return { allowedOrigins: origins.length > 0 ? origins : ['*'] };
};
