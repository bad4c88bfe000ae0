from ninja import NinjaAPI

api = NinjaAPI(title="gonghui API", version="1", urls_namespace="api")
