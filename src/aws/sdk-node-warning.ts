// The pinned SDK releases support Node 20; their warning concerns later releases and would
// break the CLI's one-line error output, so it is off unless the user set the variable.
// Every module that builds SDK clients imports this first.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
