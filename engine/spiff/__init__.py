"""The only package that imports SpiffWorkflow: parser, safe script engine, serializer, runtime."""
