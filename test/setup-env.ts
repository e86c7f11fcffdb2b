// Tests read errors through assertions, not logs.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// The AWS SDK's NodeVersionSupportWarning (Node 20 here) says nothing a test checks; it would print
// once per test file. Only that warning is turned off: every other one still prints.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
