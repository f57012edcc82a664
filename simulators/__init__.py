"""HTTP simulators of the Genway, Gensail Analytics and InterviewRelay APIs.

They follow `../shared/apis/` (the contract), not the pipeline's clients, and import nothing
from `pipelines`, `assets` or `resources`.
"""
