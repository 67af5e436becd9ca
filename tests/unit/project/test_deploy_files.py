"""What a cluster would run (no Kubernetes here): the files agree with each other on who may call whom."""

import json
import re

import yaml
from prometheus_client import REGISTRY

from bot import metrics  # noqa: F401  (registers the bot's metrics)
from project_helpers import ROOT

DEPLOY = ROOT / "deploy"


def test_only_rasa_pods_reach_the_action_servers():
    policies = {doc["metadata"]["name"]: doc for doc in yaml.safe_load_all((DEPLOY / "networkpolicy.yml").read_text())}
    actions = policies["support-bot-actions-from-rasa-only"]["spec"]
    assert actions["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "rasa-action-server"
    assert actions["policyTypes"] == ["Ingress"]
    [rule] = actions["ingress"]
    assert [peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for peer in rule["from"]] == ["rasa"]
    assert rule["ports"] == [{"protocol": "TCP", "port": 5055}]


def test_every_rasa_endpoint_sends_the_action_servers_secret():
    for path in (ROOT / "endpoints.yml", DEPLOY / "endpoints-scaled.yml"):
        endpoint = yaml.safe_load(path.read_text())["action_endpoint"]
        assert endpoint["headers"] == {"Authorization": "Bearer ${BOT_ACTIONS_SECRET}"}, path


def test_the_rasa_pods_get_the_secret_from_the_clusters_secret_store():
    env = {item["name"]: item for item in yaml.safe_load((DEPLOY / "values.yml").read_text())["extraEnv"]}
    assert env["BOT_ACTIONS_SECRET"]["valueFrom"]["secretKeyRef"]["name"] == "support-bot"
    assert "value" not in env["BOT_ACTIONS_SECRET"]


def test_the_grafana_dashboard_asks_only_for_metrics_the_bot_exports():
    dashboard = json.loads((ROOT / "deploy" / "grafana-dashboard.json").read_text())
    asked = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"\bbot_\w+", target["expr"])
    }
    # Counters are read as <name>_total, histograms as <name>_bucket.
    exported = {family.name + suffix for family in REGISTRY.collect() for suffix in ("", "_total", "_bucket")}
    assert asked and asked <= exported, asked - exported
