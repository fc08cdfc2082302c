"""Claims across articles: sentence embeddings, retrieval, the vector index and claim groups.

What each module owns and may import:
- `embedding`: the all-MiniLM-L6-v2 ONNX model (loaded lazily, once per process). No Django.
- `retrieval`: BM25 + vector search fused into one score, over plain documents. No Django.
- `index`: the approximate-nearest-neighbour index (faiss) over the stored vectors. No Django.
- `export`, `evaluation`: rebuilding the model and measuring retrieval (commands only).
- `store`: the Django side: embeddings in PostgreSQL, the per-process matcher, match search.
- `groups`: canonical claim groups and their events (services).
Dependencies point one way: store/groups -> retrieval/index/embedding; claims.models below.
"""
