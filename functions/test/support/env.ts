// Before any module loads: quiet INFO logs in test output (the log-privacy test turns them back on).
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN'
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
