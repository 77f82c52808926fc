"""What users run must match what the tests run."""

from __future__ import annotations

import re

from threadgraph.config import SOURCE_ROOT


def test_compose_neo4j_image_matches_the_tested_version() -> None:
    pom = (SOURCE_ROOT / "tools" / "neo4j" / "pom.xml").read_text()
    compose = (SOURCE_ROOT / "docker-compose.yml").read_text()
    tested = re.search(r"<neo4j.version>([^<]+)</neo4j.version>", pom)
    image = re.search(r"image:\s*neo4j:([0-9.]+)-community", compose)
    assert tested is not None
    assert image is not None
    assert image.group(1) == tested.group(1)


def test_ci_runs_the_readme_test_command() -> None:
    readme = (SOURCE_ROOT / "README.md").read_text()
    ci = (SOURCE_ROOT / ".ci" / "run").read_text()
    assert "scripts/test" in readme
    assert "scripts/run" in readme
    assert "scripts/test" in ci


def test_compose_runs_replicas_behind_a_proxy_that_streams_unbuffered() -> None:
    import yaml

    compose = yaml.safe_load((SOURCE_ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["app"]["deploy"]["replicas"] >= 2
    assert "ports" not in services["app"], "only the proxy is published"
    mount = next(v for v in services["proxy"]["volumes"] if "nginx.conf" in v)
    conf = (SOURCE_ROOT / mount.split(":")[0]).read_text()
    assert "proxy_pass http://threadgraph;" in conf
    assert "server app:8000;" in conf
    assert "proxy_buffering off;" in conf  # server-sent events go out as they come
