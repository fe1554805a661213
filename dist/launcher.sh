#!/bin/sh
# @dist.launcher@: starts @project.artifactId@ @project.version@ (@dist.mainClass@) from its distribution.
#
#   JAVA_HOME   the Java 17+ installation to use (default: java on the PATH)
#   JAVA_OPTS   JVM options, added after the defaults below, so that an option given here wins
#               (e.g. JAVA_OPTS="-Xmx512m" or "-XX:MaxRAMPercentage=50")
#
# The JVM replaces this shell (exec): it keeps the PID, so SIGTERM reaches it directly.
# Generated from dist/launcher.sh in the source tree; every distribution has the same script.
set -eu

# this script's own location, following symlinks (e.g. a link in /usr/local/bin)
self=$0
while [ -L "$self" ]; do
  target=$(readlink "$self")
  case $target in
    /*) self=$target ;;
    *) self=$(dirname "$self")/$target ;;
  esac
done
home=$(cd "$(dirname "$self")/.." && pwd -P)

if [ -n "${JAVA_HOME:-}" ]; then
  java=$JAVA_HOME/bin/java
  if [ ! -x "$java" ]; then
    echo "@dist.launcher@: JAVA_HOME is set but $java is not an executable; set JAVA_HOME to a Java 17+ installation" >&2
    exit 2
  fi
else
  java=java
fi

# container-friendly defaults: size the heap from the container's memory limit, and exit on an
# OutOfMemoryError (the orchestrator restarts the service) instead of running on half broken
default_jvm_options="@dist.jvmOptions@"

# the options are split into words on purpose; no file name expansion
set -f
# shellcheck disable=SC2086
exec "$java" $default_jvm_options "-Dlogback.configurationFile=$home/conf/logback.xml" ${JAVA_OPTS:-} \
  -cp "$home/lib/*" @dist.mainClass@ "$@"
