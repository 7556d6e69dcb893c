"""The URL map of the InvenioRDM REST API and the thin handlers behind it.

The routes follow invenio-drafts-resources: resources/records/config.py and invenio-rdm-records:
resources/config.py.

JSON is served in the RDM shape for ``application/vnd.inveniordm.v1+json`` and also for
``application/json``: real Zenodo answers a legacy "Zenodo JSON" shape there, which the
emulator does not reproduce (clients must send the RDM Accept header anyway).
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import Map, Rule

from zenodeploy.emulator import search, serialize
from zenodeploy.emulator.app import Call, Handler
from zenodeploy.emulator.communities import Communities
from zenodeploy.emulator.community_requests import CommunityRequests
from zenodeploy.emulator.drafts import Drafts
from zenodeploy.emulator.files import Files
from zenodeploy.emulator.page import index_page, record_page
from zenodeploy.emulator.records import Records
from zenodeploy.emulator.replies import HttpError, Reply, forbidden

R = "/api/records/<id>"
URL_MAP = Map(
    [
        Rule("/api/records", methods=["POST"], endpoint="create"),
        Rule(f"{R}/draft", methods=["GET"], endpoint="read_draft"),
        Rule(f"{R}/draft", methods=["PUT"], endpoint="update_draft"),
        Rule(f"{R}/draft", methods=["DELETE"], endpoint="discard"),
        Rule(f"{R}/draft", methods=["POST"], endpoint="edit"),
        Rule(f"{R}/draft/actions/publish", methods=["POST"], endpoint="publish"),
        Rule(f"{R}/draft/actions/files-import", methods=["POST"], endpoint="files_import"),
        Rule(f"{R}/draft/pids/doi", methods=["POST"], endpoint="reserve_doi"),
        Rule(f"{R}/draft/pids/doi", methods=["DELETE"], endpoint="discard_doi"),
        Rule(f"{R}/draft/files", methods=["GET"], endpoint="draft_files"),
        Rule(f"{R}/draft/files", methods=["POST"], endpoint="files_init"),
        Rule(f"{R}/draft/files/<path:key>/content", methods=["PUT"], endpoint="file_upload"),
        Rule(f"{R}/draft/files/<path:key>/content", methods=["GET"], endpoint="draft_file_content"),
        Rule(f"{R}/draft/files/<path:key>/commit", methods=["POST"], endpoint="file_commit"),
        Rule(f"{R}/draft/files/<path:key>", methods=["GET"], endpoint="draft_file"),
        Rule(f"{R}/draft/files/<path:key>", methods=["DELETE"], endpoint="file_delete"),
        Rule(f"{R}/draft/review", methods=["PUT"], endpoint="review_put"),
        Rule(f"{R}/draft/review", methods=["GET"], endpoint="review_get"),
        Rule(f"{R}/draft/review", methods=["DELETE"], endpoint="review_delete"),
        Rule(f"{R}/draft/actions/submit-review", methods=["POST"], endpoint="submit_review"),
        Rule(R, methods=["GET"], endpoint="read_record"),
        Rule(f"{R}/files", methods=["GET"], endpoint="record_files"),
        Rule(f"{R}/files/<path:key>/content", methods=["GET"], endpoint="record_file_content"),
        Rule(f"{R}/files/<path:key>", methods=["GET"], endpoint="record_file"),
        Rule(f"{R}/versions", methods=["GET"], endpoint="versions"),
        Rule(f"{R}/versions", methods=["POST"], endpoint="new_version"),
        Rule(f"{R}/versions/latest", methods=["GET"], endpoint="latest"),
        Rule(f"{R}/communities", methods=["GET"], endpoint="record_communities"),
        Rule(f"{R}/communities", methods=["POST"], endpoint="include"),
        Rule("/api/user/records", methods=["GET"], endpoint="user_records"),
        Rule("/api/communities", methods=["GET"], endpoint="communities"),
        Rule("/api/communities/<id>", methods=["GET"], endpoint="community"),
        Rule("/api/requests/<id>", methods=["GET"], endpoint="read_request"),
        Rule("/", methods=["GET"], endpoint="index_page"),
        Rule("/records/<id>", methods=["GET"], endpoint="record_page"),
        Rule("/uploads/<id>", methods=["GET"], endpoint="draft_page"),
        Rule("/api/_emulator/stats", methods=["GET"], endpoint="admin_stats"),
        Rule("/api/_emulator/stats/reset", methods=["POST"], endpoint="admin_stats_reset"),
        Rule("/api/_emulator/faults", methods=["GET", "POST", "DELETE"], endpoint="admin_faults"),
        Rule("/api/_emulator/requests", methods=["GET"], endpoint="admin_requests"),
        Rule("/api/_emulator/records/<id>/grants", methods=["POST"], endpoint="admin_share"),
        Rule("/api/_emulator/communities", methods=["GET", "POST"], endpoint="admin_communities"),
        Rule("/api/_emulator/requests/<id>/accept", methods=["POST"], endpoint="admin_accept"),
        Rule("/api/_emulator/requests/<id>/decline", methods=["POST"], endpoint="admin_decline"),
    ],
    strict_slashes=False,
)


def _user(call: Call) -> str:
    if call.user is None:
        raise forbidden()
    return call.user


def _boolean(args: Any, name: str) -> bool | None:
    """A marshmallow Boolean query argument: absent → None, else true/false or a 400."""
    if name not in args:
        return None
    value = str(args[name]).lower()
    if value in ("true", "1", "yes", "on", "t", "y"):
        return True
    if value in ("false", "0", "no", "off", "f", "n"):
        return False
    raise HttpError(400, "A validation error occurred.", [(name, "Not a valid boolean.")])


def handlers(
    records: Records,
    drafts: Drafts,
    files: Files,
    communities: Communities,
    community_requests: CommunityRequests,
) -> dict[str, Handler]:
    """Endpoint name → handler, closing over the services (admin handlers are added by the server)."""

    def ok(body: Any, status: int = 200) -> Reply:
        return Reply(status=status, body=body)

    def upload(call: Call, id: str, key: str) -> Reply:
        user = _user(call)
        try:
            entry = files.upload(
                user,
                call.base,
                id,
                key,
                call.stream,
                call.length,
                drop_after=call.drop_after,
                on_drop=call.drop_connection,
                overrun=call.surplus,
            )
        except HttpError:
            call.close_after()  # the body may be unread: it must not be taken for a next request
            raise
        return ok(entry)

    def content(call: Call, id: str, key: str, is_draft: bool) -> Reply:
        f, chunks = files.content(call.user, id, key, is_draft)
        headers = {
            "Content-Length": str(f["size"]),
            "Content-MD5": f["md5"],
            "Content-Disposition": f"attachment; filename={key.rsplit('/', 1)[-1]}",
        }
        return Reply(stream=chunks, content_type=serialize.mimetype(key), headers=headers)

    def user_records(call: Call) -> Reply:
        """invenio-rdm-records services/search_params.py SharedOrMyDraftsParam: without
        ``shared_with_me`` the user's own records and those shared with them by a grant
        that reads drafts (preview, edit, manage); ``false`` only owned, ``true`` only shared."""
        user = _user(call)
        page, size, sort = search.page_params(
            call.args, "bestmatch" if call.args.get("q") else "updated-desc"
        )
        all_versions = call.args.get("allversions", "").lower() in ("1", "true", "yes")
        shared = _boolean(call.args, "shared_with_me")
        match = search.matcher(call.args.get("q", ""))
        candidates = [] if shared is True else records.store.versions_owned_by(user)
        if shared is not False:
            candidates += records.store.versions_of_parents(records.store.parents_shared_with(user))
        hits = []
        quick = search.by_stored_fields(call.args.get("q", ""))
        for v in candidates:
            body = v["draft"] if v["draft"] is not None else v["record"]
            stored = {"id": v["id"], "parent": {"id": v["parent_id"]}, "metadata": body["metadata"]}
            if quick and not match(stored):
                continue  # the whole document would not match either: same values
            doc = records.document(call.base, v, v["draft"] is not None)
            if (all_versions or doc["versions"]["is_latest_draft"]) and match(doc):
                hits.append(doc)
        return ok(search.paginate(hits, page, size, sort, f"{call.base}/api/user/records", call.args))

    def versions(call: Call, id: str) -> Reply:
        v = records.version(id)
        page, size, sort = search.page_params(call.args, "version")
        hits = [
            records.document(call.base, s, False)
            for s in records.store.versions_of(v["parent_id"])
            if s["record"]
        ]
        return ok(
            search.paginate(hits, page, size, sort, f"{call.base}/api/records/{id}/versions", call.args)
        )

    def read_record(call: Call, id: str) -> Reply:
        if records.store.get_version(id) is None and records.store.get_parent(id) is not None:
            # invenio-rdm-records resources/resources.py RDMRecordResource.read: a parent
            # (concept) id makes service.read raise NoResultFound, and the resource answers
            # flask.redirect(url_for(".read", pid_value=<latest>)): 302, relative Location,
            # HTML body. No published version: read_latest raises NoResultFound → 404
            # "Not found." (invenio-drafts-resources services/records/service.py read_latest,
            # invenio-records-resources resources/errors.py).
            target = records.latest_of_parent(id)
            location = f"/api/records/{target['id']}"
            html = (
                "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n"
                f'<p>You should be redirected automatically to the target URL: <a href="{location}">'
                f"{location}</a>. If not, click the link.\n"
            )
            return Reply(
                status=302,
                stream=[html.encode()],
                content_type="text/html; charset=utf-8",
                headers={"Location": location},
            )
        v = records.version(id)
        if v["record"] is None:
            if v["owner"] != call.user:
                raise forbidden()
            raise HttpError(404, "The persistent identifier is not registered.")
        return ok(records.document(call.base, v, False))

    def latest(call: Call, id: str) -> Reply:
        # invenio-drafts-resources resources/records/resource.py read_latest raises
        # RedirectException (resources/records/errors.py): 301, JSON body
        # {"status": 301, "message": "Redirecting...", "location": ...}, Location = the
        # latest version's links.self (absolute).
        target = records.latest(id)
        location = f"{call.base}/api/records/{target['id']}"
        return Reply(
            status=301,
            body={"status": 301, "message": "Redirecting...", "location": location},
            headers={"Location": location},
        )

    def publish(call: Call, id: str) -> Reply:
        v = drafts.publish(_user(call), id)
        return ok(records.document(call.base, v, False), 202)

    def community(call: Call, id: str) -> Reply:
        return ok(communities.json(call.base, communities.read(id)))

    def all_communities(call: Call) -> Reply:
        return ok(communities.search(call.base, call.args))

    def page(call: Call, id: str, draft: bool = False) -> Reply:
        v = records.version(id)
        if v["draft" if draft else "record"] is None:
            raise HttpError(404, "The persistent identifier is not registered.")
        return _page(record_page(v, records.store.files(id, draft), draft=draft))

    def discard(call: Call, id: str) -> Reply:
        drafts.discard(_user(call), id)
        return Reply(status=204)

    def delete_file(call: Call, id: str, key: str) -> Reply:
        files.delete(_user(call), id, key)
        return Reply(status=204)

    def delete_review(call: Call, id: str) -> Reply:
        community_requests.delete_review(_user(call), id)
        return Reply(status=204)

    return {
        "create": lambda c: ok(drafts.create(_user(c), c.base, c.json()), 201),
        "read_draft": lambda c, id: ok(
            records.document(c.base, records.with_draft(c.user, id, read=True), True)
        ),
        "update_draft": lambda c, id: ok(drafts.update(_user(c), c.base, id, c.json())),
        "discard": discard,
        "edit": lambda c, id: ok(drafts.edit(_user(c), c.base, id), 201),
        "publish": publish,
        "files_import": lambda c, id: ok(files.import_files(_user(c), c.base, id), 201),
        "reserve_doi": lambda c, id: ok(drafts.reserve_doi(_user(c), c.base, id, True), 201),
        "discard_doi": lambda c, id: ok(drafts.reserve_doi(_user(c), c.base, id, False)),
        "draft_files": lambda c, id: ok(files.list_draft(c.user, c.base, id)),
        "files_init": lambda c, id: ok(files.init(_user(c), c.base, id, c.json()), 201),
        "file_upload": upload,
        "draft_file_content": lambda c, id, key: content(c, id, key, True),
        "file_commit": lambda c, id, key: ok(files.commit(_user(c), c.base, id, key)),
        "draft_file": lambda c, id, key: ok(files.read(c.user, c.base, id, key, True)),
        "file_delete": delete_file,
        "review_put": lambda c, id: ok(community_requests.set_review(_user(c), c.base, id, c.json())),
        "review_get": lambda c, id: ok(community_requests.get_review(_user(c), c.base, id)),
        "review_delete": delete_review,
        "submit_review": lambda c, id: ok(
            community_requests.submit_review(_user(c), c.base, id, c.json()), 202
        ),
        "read_record": read_record,
        "record_files": lambda c, id: ok(files.list_record(c.base, id)),
        "record_file_content": lambda c, id, key: content(c, id, key, False),
        "record_file": lambda c, id, key: ok(files.read(c.user, c.base, id, key, False)),
        "versions": versions,
        "new_version": lambda c, id: ok(drafts.new_version(_user(c), c.base, id), 201),
        "latest": latest,
        "record_communities": lambda c, id: ok(community_requests.of_record(c.base, id)),
        "include": lambda c, id: ok(community_requests.include(_user(c), c.base, id, c.json())),
        "user_records": user_records,
        "communities": all_communities,
        "community": community,
        "read_request": lambda c, id: ok(community_requests.read_request(c.user, c.base, id)),
        "record_page": page,
        "draft_page": lambda c, id: page(c, id, draft=True),
        "index_page": lambda c: _page(index_page(records.store.all_versions(), c.base)),
    }


def _page(html: str) -> Reply:
    return Reply(stream=[html.encode()], content_type="text/html; charset=utf-8")
