#!/bin/sh
# web: migrate, then serve CKAN with gunicorn (as `make run`: config/gunicorn.conf.py); worker: run CKAN's background jobs.
set -e
# The same template as development (config/ckan.ini.template), with Solr instead of
# govopen_search; secrets persist in the storage volume across restarts.
# `entrypoint.sh config` only writes the ini (tests/docker/test_docker_config.py runs it).
APP_DIR=${APP_DIR:-/srv/app/src/govopen}
export CKAN_INI=${CKAN_INI:-/var/lib/ckan/ckan.ini}
if [ ! -f "$CKAN_INI" ]; then
  CKAN_PLUGINS="activity scheming_datasets govopen dcat datastore datatables_view govopen_chart_view" \
  STORAGE_PATH=${STORAGE_PATH:-/var/lib/ckan} \
    python "$APP_DIR/scripts/write_config.py" "$CKAN_INI"
fi
sed -i "s|^solr_url = .*|solr_url = ${SOLR_URL:-http://solr:8983/solr/ckan}|" "$CKAN_INI"
case "$1" in
  web)
    ckan db init
    ckan db upgrade -p govopen || true
    # issue 16: the DataStore's permissions, as CKAN's docs prescribe (the db container's
    # POSTGRES_USER is its superuser; docker/initdb created the database and the role)
    ckan datastore set-permissions | psql -q "${DB_URL%/*}/postgres" >/dev/null
    export WEB_BIND=0.0.0.0:5000
    exec gunicorn -c "$APP_DIR/config/gunicorn.conf.py" ckanext.govopen.wsgi:application
    ;;
  config)
    exit 0
    ;;
  worker)
    exec ckan jobs worker
    ;;
  daily)
    exec ckan govopen daily
    ;;
  *)
    exec "$@"
    ;;
esac
