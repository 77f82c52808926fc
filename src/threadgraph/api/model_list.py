"""GET /api/models: what can answer, the endpoint's models and the local offline one."""

from __future__ import annotations

from fastapi import APIRouter

from threadgraph.api.deps import CatalogDep, SettingsDep
from threadgraph.api.schemas import ModelList, ModelPublic
from threadgraph.errors import ThreadgraphError

router = APIRouter(prefix="/api", tags=["models"])


@router.get("/models", response_model=ModelList)
def list_models(catalog: CatalogDep, settings: SettingsDep) -> ModelList:
    models, problem = catalog.list_models()
    try:
        default: str | None = catalog.default_model()
    except ThreadgraphError:
        default = None
    return ModelList(
        models=[
            ModelPublic(id=m.id, provider=m.provider, label=m.label, local=m.provider == "local")
            for m in models
        ],
        default=default,
        endpoint=settings.model_endpoint,
        endpoint_error=problem,
        max_reply_tokens=settings.max_reply_tokens,
    )
