"""Worker: Celery glue, sandbox runner (``worker.sandbox``) and LLM gateway
(``worker.gateway``)."""
