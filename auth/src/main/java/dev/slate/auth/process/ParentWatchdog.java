package dev.slate.auth.process;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Makes services die with the process that started them, however that process dies (SIGKILL, OOM):
 * a small {@code sh} loop in a session of its own ({@code setsid}) polls the parent once a second and,
 * when it is gone, sends SIGTERM to the services, then SIGKILL to those still alive after the grace
 * period. It exits by itself when all services have stopped, and when it gets SIGTERM (the parent stops
 * it after a clean shutdown). PostgreSQL started by {@code pg_ctl} and Keycloak started under
 * {@code setsid} are not children of the JVM, so {@code PR_SET_PDEATHSIG} cannot reach them; this can.
 *
 * <p>The parent is identified by pid and start time ({@code /proc/PID/stat}), a service by pid and
 * command name ({@code /proc/PID/comm}) or by process group, so a reused pid is never signalled.
 * If the watchdog itself is killed, the next start of the installation clears what is left
 * ({@link LeftoverProcesses}).
 */
public final class ParentWatchdog implements AutoCloseable {

    /** What the watchdog stops. */
    public sealed interface Target {
        String argument();

        /** One process, checked by its command name before it is signalled. */
        record Process(long pid, String command) implements Target {
            public Process {
                if (pid <= 1) {
                    throw new IllegalArgumentException("invalid pid " + pid);
                }
                if (command.isBlank() || command.contains(":") || command.contains(" ")) {
                    throw new IllegalArgumentException("invalid command name '" + command + "'");
                }
            }

            @Override
            public String argument() {
                return pid + ":" + command;
            }
        }

        /** A whole process group (a service started under {@code setsid}). */
        record Group(long id) implements Target {
            public Group {
                if (id <= 1) {
                    throw new IllegalArgumentException("invalid process group " + id);
                }
            }

            @Override
            public String argument() {
                return "-" + id;
            }
        }
    }

    /** The watchdog; POSIX sh, arguments: PARENT GRACE_SECONDS TARGET... */
    static final String SCRIPT = """
            parent=$1; grace=$2; shift 2
            starttime() {
              { read -r ST < "/proc/$1/stat"; } 2>/dev/null || return 1
              ST=${ST##*) }
              set -- $ST
              case $1 in Z|X|x) return 1;; esac
              ST=${20}
            }
            born=
            if starttime "$parent"; then born=$ST; fi
            parent_alive() { [ -n "$born" ] && starttime "$parent" && [ "$ST" = "$born" ]; }
            target_alive() {
              case $1 in
                -*) kill -0 "$1" 2>/dev/null ;;
                *) starttime "${1%%:*}" && { read -r C < "/proc/${1%%:*}/comm"; } 2>/dev/null && [ "$C" = "${1#*:}" ] ;;
              esac
            }
            signal() {
              case $2 in
                -*) kill "-$1" "$2" 2>/dev/null ;;
                *) kill "-$1" "${2%%:*}" 2>/dev/null ;;
              esac
            }
            any_alive() { for t in "$@"; do if target_alive "$t"; then return 0; fi; done; return 1; }
            trap 'exit 0' TERM INT HUP
            while parent_alive; do
              any_alive "$@" || exit 0
              sleep 1
            done
            echo "slate-watchdog: process $parent is gone; stopping $*"
            for t in "$@"; do if target_alive "$t"; then signal TERM "$t"; fi; done
            i=0
            while [ "$i" -lt "$grace" ] && any_alive "$@"; do sleep 1; i=$((i + 1)); done
            for t in "$@"; do if target_alive "$t"; then echo "slate-watchdog: killing $t"; signal KILL "$t"; fi; done
            exit 0
            """;

    private final Process process;

    private ParentWatchdog(Process process) {
        this.process = process;
    }

    /**
     * Starts a watchdog that stops {@code targets} when {@code parentPid} is gone.
     *
     * @param log where the watchdog's few lines go (appended), or empty to discard them
     */
    public static ParentWatchdog start(long parentPid, Duration grace, List<Target> targets, Optional<Path> log) {
        requireNonNull(grace, "grace is null");
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no targets");
        }
        List<String> command = new ArrayList<>(List.of(
                "setsid",
                "sh",
                "-c",
                SCRIPT,
                "slate-watchdog",
                Long.toString(parentPid),
                Long.toString(Math.max(1, grace.toSeconds()))));
        targets.forEach(t -> command.add(t.argument()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(log.map(f -> ProcessBuilder.Redirect.appendTo(f.toFile()))
                        .orElse(ProcessBuilder.Redirect.DISCARD));
        try {
            return new ParentWatchdog(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the watchdog (setsid sh)", e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the watchdog without touching its targets (their owner stopped them). */
    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
