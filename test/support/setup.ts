import 'aws-sdk-client-mock-jest';

// Tests never reach AWS: a region and dummy credentials keep the SDK from looking further.
process.env.AWS_REGION ??= 'eu-west-2';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
// The SDK's notice that it will need Node 22 next year says nothing about our code.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
