#!/bin/sh
# api | worker            run that process (node dist/main.js <mode>)
# migrate [options]       apply pending migrations and exit (safe from several replicas)
# crm <command> [...]     any CLI command: crm user:create --email … --role admin
# anything else           executed as is (sh, node, …)
set -e
case "$1" in
  api|worker)
    exec node /app/dist/main.js "$@"
    ;;
  migrate|migrate:*)
    exec node /app/dist/cli.js "$@"
    ;;
  crm)
    shift
    exec node /app/dist/cli.js "$@"
    ;;
  *)
    exec "$@"
    ;;
esac
