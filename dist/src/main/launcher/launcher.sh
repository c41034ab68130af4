#!/bin/sh
# @EXECUTABLE@: starts @MAIN_CLASS@ on the jars in this distribution's lib/ folder.
# Generated at build time from dist/src/main/launcher/launcher.sh; edit that file, not this copy.
#
# Environment:
#   JAVA_HOME        the Java 17+ installation to use (else `java` on PATH)
#   JAVA_OPTS        extra JVM options, split on spaces; they come last, so they win
#                    (e.g. JAVA_OPTS=-Xmx1g overrides the default heap limit)
#   TAPLINE_CDS      `off` disables the class-data-sharing archive that speeds up start-up
#   TAPLINE_CDS_DIR  where to keep that archive (default: lib/cds/ here when writable, else
#                    $XDG_CACHE_HOME/tapline/cds or ~/.cache/tapline/cds)
#   TAPLINE_LOG_LEVEL=debug  also prints the java command line on stderr
#
# stdout carries only Singer messages, so every JVM diagnostic is sent to stderr. A -Xlog option of
# your own in JAVA_OPTS writes to stdout unless told otherwise: use -Xlog:gc:stderr.

executable='@EXECUTABLE@'
main_class='@MAIN_CLASS@'
# tap, target or cli: selects the default memory settings below
kind='@KIND@'

fail() {
  printf 'ERROR %s: %s\n' "$executable" "$1" >&2
  exit 1
}

# --- where this distribution lives: follow symbolic links to the real script --------------
script=$0
while [ -h "$script" ]; do
  link=$(readlink "$script" 2>/dev/null) || link=$(ls -ld "$script" | sed 's/^.* -> //')
  case $link in
    /*) script=$link ;;
    *) case $script in
         */*) script=${script%/*}/$link ;;
         *) script=$link ;;
       esac ;;
  esac
done
case $script in
  */*) script_dir=${script%/*} ;;
  *) script_dir=. ;;
esac
home=$(cd -P -- "$script_dir/.." && pwd -P) || fail "cannot find the distribution folder from $0"
case $home in
  *:*) fail "the distribution folder '$home' contains ':', which Java class paths cannot hold: move the folder" ;;
esac
lib=$home/lib

# --- which Java ----------------------------------------------------------------------------
if [ -n "${JAVA_HOME:-}" ]; then
  java=$JAVA_HOME/bin/java
  [ -x "$java" ] || fail "JAVA_HOME is '$JAVA_HOME' but '$java' is not an executable: point JAVA_HOME at a Java 17 or newer installation, or unset it to use java from PATH"
else
  java=$(command -v java) || fail "no java found: install Java 17 or newer and put it on PATH, or set JAVA_HOME"
fi
# The real Java installation (through /usr/bin/java -> /etc/alternatives/java -> ...) gives a
# version check without starting a JVM and a key that changes when Java is replaced.
java_real=$java
while [ -h "$java_real" ]; do
  link=$(readlink "$java_real" 2>/dev/null) || link=$(ls -ld "$java_real" | sed 's/^.* -> //')
  case $link in
    /*) java_real=$link ;;
    *) java_real=${java_real%/*}/$link ;;
  esac
done
java_version=
if [ -r "${java_real%/bin/java}/release" ]; then
  while IFS= read -r line; do
    case $line in
      JAVA_VERSION=*)
        java_version=${line#JAVA_VERSION=}
        java_version=${java_version#\"}
        java_version=${java_version%\"}
        break ;;
    esac
  done < "${java_real%/bin/java}/release"
fi
case $java_version in
  1.*|[0-9]|[0-9].*|1[0-6]|1[0-6].*)
    fail "'$java' is Java $java_version; Tapline needs Java 17 or newer: set JAVA_HOME to a newer installation" ;;
esac

classpath="@CLASSPATH@"

# --- JVM options -----------------------------------------------------------------------------
# Unified logging writes to stdout by default: send warnings and errors to stderr instead, and
# the VM's other output (tty) as well.
jvm_options="-Xlog:disable -Xlog:all=warning:stderr -XX:+DisplayVMOutputToStderr"
# The serial collector has the smallest footprint and suits single-threaded streaming work.
# Targets buffer at most one batch per stream, so a small heap keeps their peak RSS low.
case $kind in
  target) jvm_options="$jvm_options -Xmx@TARGET_HEAP@" ;;
esac
# options this executable always needs, from dist/pom.xml (after the defaults, so they win)
jvm_options="$jvm_options @JVM_OPTIONS@"
case " ${JAVA_OPTS:-} " in
  *" -XX:+Use"*"GC "*) collector=chosen ;; # a collector chosen in JAVA_OPTS would conflict with ours
  *) collector=serial; jvm_options="$jvm_options -XX:+UseSerialGC" ;;
esac

# --- class-data-sharing archive ------------------------------------------------------------------
# An archive is tied to the Java, the exact class path string and the jar files it was made with.
# Its name carries checksums of the first two (and the collector), so a moved folder or another
# Java makes a new one (or runs without one) instead of tripping over a mismatch; a jar newer than
# the archive has it remade. It is made once by a training run of this executable (arguments set
# per executable in dist/pom.xml), written under a temporary name and renamed into place, so
# concurrent first runs never read half a file.
some_jar_is_newer_than() {
  saved_ifs=$IFS
  IFS=:
  set -f
  for jar in $classpath; do
    if [ "$jar" -nt "$1" ]; then
      IFS=$saved_ifs
      set +f
      return 0
    fi
  done
  IFS=$saved_ifs
  set +f
  return 1
}

make_archive() {
  temporary=$1.$$.tmp
  trap 'rm -f "$temporary"; exit 130' INT TERM
  # shellcheck disable=SC2086 # options are space-separated words
  "$java" $jvm_options -XX:ArchiveClassesAtExit="$temporary" "-Dtapline.home=$home" \
    -cp "$classpath" "$main_class" @TRAINING_ARGS@ </dev/null >/dev/null 2>&1
  # any exit code will do (the archive is written at exit), but not death by a signal
  if [ $? -lt 128 ] && [ -s "$temporary" ] && mv -f "$temporary" "$1"; then
    trap - INT TERM
    return 0
  fi
  rm -f "$temporary"
  trap - INT TERM
  return 1
}

# Sets `archive` to a usable archive in one of the given folders (best first), making one in the
# first writable folder when none exists. A failed attempt is remembered until the jars change.
choose_archive() {
  for dir in "$@"; do
    if [ -s "$dir/$archive_name" ] && ! some_jar_is_newer_than "$dir/$archive_name"; then
      archive=$dir/$archive_name
      return
    fi
  done
  for dir in "$@"; do
    if mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ]; then
      if [ -f "$dir/$archive_name.failed" ] && ! some_jar_is_newer_than "$dir/$archive_name.failed"; then
        return
      fi
      if [ "$dir" = "$lib/cds" ]; then
        # archives this folder made before it was moved are dead weight (those of another Java are
        # kept: two Javas taking turns must not remake each other's archive every time)
        for stale in "$dir/$executable"-[0-9]*; do
          case $stale in
            "$dir/$executable-$location_key"-*) ;;
            *) rm -f "$stale" ;;
          esac
        done
      fi
      if make_archive "$dir/$archive_name"; then
        archive=$dir/$archive_name
      else
        : > "$dir/$archive_name.failed"
      fi
      return
    fi
  done
}

archive=
if [ "${TAPLINE_CDS:-on}" != off ]; then
  # one checksum for the location (the class path holds the absolute folder), one for the Java
  keys=$(printf '%s\n' "$classpath" | cksum; printf '%s\n' "$java_real" "$java_version" | cksum)
  location_key=${keys%% *}
  java_key=${keys#*
}
  java_key=${java_key%% *}
  archive_name=$executable-$location_key-$java_key-$collector.jsa
  if [ -n "${TAPLINE_CDS_DIR:-}" ]; then
    choose_archive "$TAPLINE_CDS_DIR"
  else
    choose_archive "$lib/cds" "${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/tapline/cds"
  fi
fi

if [ "${TAPLINE_LOG_LEVEL:-}" = debug ]; then
  printf 'DEBUG %s: %s %s %s %s -cp %s %s\n' "$executable" "$java" "$jvm_options" \
    "${archive:+-XX:SharedArchiveFile=$archive}" "${JAVA_OPTS:-}" "$classpath" "$main_class" >&2
fi

# The Snowflake driver probes cloud metadata addresses on connect unless told not to; no Tapline
# executable ever wants that (target-snowflake also turns it off in code).
SNOWFLAKE_DISABLE_PLATFORM_DETECTION=true
export SNOWFLAKE_DISABLE_PLATFORM_DETECTION

# exec: the JVM replaces this shell, so signals reach it and its exit code is ours.
set -f
# shellcheck disable=SC2086 # options are space-separated words
exec "$java" $jvm_options ${archive:+"-XX:SharedArchiveFile=$archive"} ${JAVA_OPTS:-} \
  "-Dtapline.home=$home" -cp "$classpath" "$main_class" "$@"
