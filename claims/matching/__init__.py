"""Claims across articles: sentence embeddings, retrieval, the vector index and claim groups.

What each module owns and may import (dependencies point down this list, never up):
- `applications` (services: ask for, approve, reject, withdraw applying a published verdict to
  a repeat), `group_changes` (services: link, confirm, reject, merge, split, undo), `linking`
  (the worker's step after analysis, and its sweeper), `selectors` (the desk's reads): Django,
  claims.models, claims.appearances (the public appearances rule), `group_undo`, store (and
  articles.models, for the sweeper's windows); `applications` also calls claims.services (the
  dismissal).
- `group_undo` (the rule for which group changes may still be undone, and its reads): Django
  and claims.models.
- `store`: embeddings in PostgreSQL (claims and imported fact-checks) and each process's live
  matchers (Django; reads articles.models.ExternalFactCheck).
- `models`: ClaimEmbedding, ExternalFactCheckEmbedding, ClaimGroup, MatchSuggestion,
  ClaimGroupEvent (imported by claims.models; refers to Claim by name).
- `corpus`, `evaluation`, `holdout`, `export`, `finetune`: matchers over files, the CheckThat!
  evaluation, the train-A/train-B comparison of fine-tuning recipes, rebuilding the model
  (commands only; PyTorch in the last two only, and in `holdout` when it fine-tunes).
- `settings_fit` (fusion weights and thresholds fitted on train), `checkthat` (the CheckThat!
  2020 files, query splits and MAP@5): what the evaluations above share (numpy; no Django).
- `crossrank_holdout`: the train-A/train-B judgement of the cross-encoder, then its dev read
  (commands only; PyTorch when it trains).
- `feedback_holdout`: round 9's train-A/train-B judgement of query feedback and the plain
  model's cosine as a fourth signal, never reads dev (commands only; PyTorch only if it has to
  fine-tune M_A); `feedback` its pieces (numpy over `retrieval`'s candidates; no Django).
- `backbones`: plain MiniLM against plain all-mpnet-base-v2 on train only, for
  bench/matching_backbones.py (PyTorch; not used by the app, never reads dev).
- `rerank` (a learned re-ranker the evaluation measures; the app does not use it), `crossrank`
  (a cross-encoder re-ranker measured on train-B, not shipped; PyTorch only to train it),
  `retrieval` (BM25 + vectors, fused; levels), `text` (cleaning, tokens, the number and
  negation guards), `index` (faiss), `embedding` (the ONNX model, loaded lazily once per
  process): no Django.
Articles come in through articles/; claims/ imports articles/, never the other way.
"""
