"""gunicorn settings for production and bench/join.py: `gunicorn -c config/gunicorn.py config.wsgi`.

After a worker has loaded Django, everything loaded so far (modules, settings, URL patterns, model metadata)
is moved out of the garbage collector's reach with gc.freeze(): a full collection otherwise walks those
hundreds of thousands of objects again and again, and shows up as a pause in the slowest requests.
"""
import gc


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
