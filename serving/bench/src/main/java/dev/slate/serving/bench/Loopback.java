package dev.slate.serving.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The benchmark only ever talks to this machine: every address it is given must be a loopback address. */
final class Loopback {

    private Loopback() {}

    /** @throws BenchOptions.UsageException when {@code host} is not (or does not resolve only to) a loopback address */
    static void require(String option, String host) {
        if (host == null || host.isBlank()) {
            throw new BenchOptions.UsageException(option + " has no host");
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(h);
        } catch (UnknownHostException e) {
            throw new BenchOptions.UsageException(option + ": cannot resolve host '" + host + "'");
        }
        for (InetAddress a : addresses) {
            if (!a.isLoopbackAddress()) {
                throw new BenchOptions.UsageException(option + ": '" + host + "' is not a loopback address ("
                        + a.getHostAddress() + "); the benchmark only talks to this machine");
            }
        }
    }
}
