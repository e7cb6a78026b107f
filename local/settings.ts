/** The fixed settings of the local stack, shared by `npm start`, the scripts and the README's examples. */
// The AWS SDK warns about Node 20 on every local run; the Lambda runtime is Node 22, so the warning says nothing here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
export const LOCAL_DYNAMODB_PORT = Number(process.env.LOCAL_DYNAMODB_PORT ?? 8000);
export const LOCAL_DYNAMODB_ENDPOINT = `http://127.0.0.1:${LOCAL_DYNAMODB_PORT}`;
export const LOCAL_TABLE_NAME = 'uitpas-ticketing-local';
export const LOCAL_SANDBOX_PORT = Number(process.env.SANDBOX_PORT ?? 4010);
export const LOCAL_API_PORT = Number(process.env.PORT ?? 3000);
/** The shared "UiTPAS kansentarief" ticket type of the demo ticketing system. */
export const LOCAL_UITPAS_TICKET_TYPE_ID = 'uitpas-kansentarief';
export const LOCAL_API_KEY_BASKET = process.env.LOCAL_API_KEY_BASKET || 'local-basket-key';
export const LOCAL_API_KEY_ADMIN = process.env.LOCAL_API_KEY_ADMIN || 'local-admin-key';
