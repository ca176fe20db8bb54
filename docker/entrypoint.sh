#!/bin/sh
# web: migrate, then serve CKAN with uwsgi; worker: run CKAN's background jobs.
set -e
# The same template as development (config/ckan.ini.template), with Solr instead of
# govopen_search; secrets persist in the storage volume across restarts.
if [ ! -f /var/lib/ckan/ckan.ini ]; then
  CKAN_PLUGINS="activity scheming_datasets govopen dcat datastore datatables_view govopen_chart_view" \
  STORAGE_PATH=/var/lib/ckan \
    python /srv/app/src/govopen/scripts/write_config.py /var/lib/ckan/ckan.ini
fi
sed -i "s|^solr_url = .*|solr_url = ${SOLR_URL:-http://solr:8983/solr/ckan}|" /var/lib/ckan/ckan.ini
export CKAN_INI=/var/lib/ckan/ckan.ini
case "$1" in
  web)
    ckan db init
    ckan db upgrade -p govopen || true
    # issue 16: the DataStore's permissions, as CKAN's docs prescribe (the db container's
    # POSTGRES_USER is its superuser; docker/initdb created the database and the role)
    ckan datastore set-permissions | psql -q "${DB_URL%/*}/postgres" >/dev/null
    exec uwsgi --http 0.0.0.0:5000 --wsgi-file /srv/app/src/govopen/docker/wsgi.py \
         --master --processes 4 --threads 2 --harakiri 120
    ;;
  worker)
    exec ckan jobs worker
    ;;
  *)
    exec "$@"
    ;;
esac
