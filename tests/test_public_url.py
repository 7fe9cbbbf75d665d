"""Links a program stores come from the server's public URL, never from the Host header; a
Host naming another site is refused."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from searchsvc.app import create_app
from searchsvc.public_url import PublicURLError, listen_url, parse_public_url
from searchsvc.settings import Settings

FEED = "/api/search?q=Soleimani&format=atom"
CNN = "000_a2d3934c72cc6993"  # the seed article from CNN


def feed_links(body: bytes) -> list[str]:
    feed = feedparser.parse(body)
    return ([entry.id for entry in feed.entries] + [entry.link for entry in feed.entries]
            + [link.href for link in feed.feed.links])


@pytest.mark.parametrize("path", [FEED, "/", "/api/health", "/articles/x"])
def test_a_host_naming_another_site_gets_400_in_the_json_shape(client, path):
    response = client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_host"
    assert response.get_json()["error"]["param"] == "Host"
    assert "http://127.0.0.1:8000" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("host", ["localhost", "localhost:5000", "127.0.0.1:8000", "[::1]:8000"])
def test_loopback_names_are_served_and_links_stay_the_public_urls(client, host):
    response = client.get(FEED, headers={"Host": host})
    assert response.status_code == 200
    links = feed_links(response.get_data())
    assert len(links) == 4 + 4 + 2
    assert all(link.startswith("http://127.0.0.1:8000/") for link in links), links


def test_a_configured_public_url_and_alias(seed_index: Path):
    tuning = Settings(public_url="https://archive.example.org/news/",
                      host_aliases="search.internal")
    client = create_app(seed_index, tuning).test_client()
    for host in ("archive.example.org", "ARCHIVE.example.org:443", "search.internal:8000"):
        response = client.get(FEED, headers={"Host": host})
        assert response.status_code == 200, host
        links = feed_links(response.get_data())
        assert f"https://archive.example.org/news/articles/{CNN}" in links
        assert all(link.startswith("https://archive.example.org/news/") for link in links)
    assert client.get(FEED, headers={"Host": "archive.example.org.evil.example"}
                      ).status_code == 400


def test_a_real_server_refuses_a_forged_host_and_links_to_its_own_address(server: str):
    host, port = server.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", FEED, headers={"Host": "evil.example"})
    answer = connection.getresponse()
    assert answer.status == 400
    assert json.loads(answer.read())["error"]["code"] == "invalid_host"
    connection.request("GET", FEED)  # http.client sends Host: 127.0.0.1:PORT
    answer = connection.getresponse()
    assert answer.status == 200
    links = feed_links(answer.read())
    assert f"{server}/articles/{CNN}" in links
    assert all(link.startswith(f"{server}/") for link in links)
    connection.close()


@pytest.mark.parametrize(("flags", "says"), [
    (["--host", "0.0.0.0"], "listens on every address"),
    (["--public-url", "ftp://archive.example.org"], "is not http(s)://HOST"),
    (["--public-url", "http://archive.example.org:80x"], "port that is not a number"),
])
def test_serve_refuses_a_public_address_it_cannot_link_to(tmp_path: Path, flags, says):
    done = subprocess.run([sys.executable, "-m", "searchsvc.cli", "serve",
                           "--index", str(tmp_path), *flags],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert says in done.stderr
    assert "Traceback" not in done.stderr


def test_public_url_parsing():
    public = parse_public_url("HTTPS://Archive.example.org:8443/", ("proxy.lan:80",))
    assert public.base == "https://Archive.example.org:8443"  # no trailing slash
    assert public.hosts == {"archive.example.org", "proxy.lan"}
    assert listen_url("::1", 8000) == "http://[::1]:8000"
    assert listen_url("127.0.0.1", 9000) == "http://127.0.0.1:9000"
    with pytest.raises(PublicURLError, match="query or fragment"):
        parse_public_url("http://a.example/?x=1")
