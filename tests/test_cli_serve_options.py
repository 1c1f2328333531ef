"""`serve --host/--port`: a port out of range is a usage mistake, not a quiet move to another port; an address
this computer does not have is said as such, not as a busy port."""
from __future__ import annotations

import pytest

from conftest import MINIMAL
from handbill.cli import main


@pytest.mark.parametrize("port", ["99999", "65536", "-1", "80a"])
def test_a_port_out_of_range_is_refused(make_project, capsys, monkeypatch, port):
    from handbill.serve import PreviewServer

    monkeypatch.setattr(PreviewServer, "serve_forever", PreviewServer.stop)  # never serve for good in a test
    project = make_project(MINIMAL)
    with pytest.raises(SystemExit) as usage:
        main(["serve", "--content", str(project / "content"), "--port", port])
    assert usage.value.code == 2
    assert f"the port must be a number from 1 to 65535 (or 0: any free port), like 8000 (got {port})" in capsys.readouterr().err
    assert not (project / ".handbill-cache/preview").exists()


def test_an_address_this_computer_does_not_have_is_not_called_a_busy_port(make_project, capsys):
    project = make_project(MINIMAL)
    code = main(["serve", "--content", str(project / "content"), "--host", "192.0.2.1", "--port", "0"])  # TEST-NET-1
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("cannot listen on 192.0.2.1:0: ")
    assert "hint: this computer has no address 192.0.2.1: use --host 127.0.0.1" in err and "uses that port" not in err
