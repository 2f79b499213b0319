package dev.slate.installer.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.installer.CliException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link ApplianceRunner} with a real child process ({@link FakeAppliance}). */
@Timeout(60)
class ApplianceRunnerTest {
    private static final String BANNER = "\n  FAKE BANNER\n";

    @TempDir
    Path temp;

    private final StringWriter output = new StringWriter();

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static List<String> fake(int port, long readyAfterMs, String mode) {
        String classes =
                ApplianceLocator.codeLocation(FakeAppliance.class).orElseThrow().toString();
        return List.of(
                ApplianceCommand.currentJava().toString(),
                "-cp",
                classes,
                FakeAppliance.class.getName(),
                String.valueOf(port),
                String.valueOf(readyAfterMs),
                mode);
    }

    private ApplianceRunner runner(int port, List<String> command, Duration timeout) {
        return new ApplianceRunner(
                command,
                URI.create("http://127.0.0.1:" + port),
                timeout,
                BANNER,
                new PrintWriter(output, true),
                new ObjectMapper());
    }

    private void awaitOutput(String text) {
        Awaitility.await("output: " + text)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> output.toString().contains(text));
    }

    @Test
    void waitsUntilReadyPrintsTheBannerAndReturnsWhenTheApplianceStops() throws Exception {
        int port = freePort();
        ApplianceRunner runner = runner(port, fake(port, 1500, "normal"), Duration.ofSeconds(30));

        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return runner.run(temp);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitOutput("FAKE BANNER");
        String beforeBanner = output.toString().substring(0, output.toString().indexOf("FAKE BANNER"));
        HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/quit"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());

        assertThat(exit.get(30, TimeUnit.SECONDS)).isEqualTo(0);
        assertThat(beforeBanner)
                .contains("fake appliance listening on " + port)
                .contains("waiting for http://127.0.0.1:" + port + "/q/health/ready .");
        assertThat(output.toString()).contains("fake appliance stopping").contains("Slate stopped.");
        // every forwarded log line starts on its own line, never glued to the progress dots
        assertThat(output.toString().lines()).noneMatch(line -> line.matches(".*\\.fake appliance.*"));
    }

    @Test
    void anApplianceThatExitsBeforeItIsReadyIsReported() throws Exception {
        int port = freePort();
        ApplianceRunner runner = runner(port, fake(port, 0, "die"), Duration.ofSeconds(30));

        assertThatThrownBy(() -> runner.run(temp))
                .isInstanceOf(CliException.class)
                .hasMessage("the appliance exited with code 3 before it was ready (see its output above)");
        assertThat(output.toString()).contains("fake appliance failed: port in use");
    }

    @Test
    void anApplianceThatIsNeverReadyIsStoppedAfterTheTimeout() throws Exception {
        int port = freePort();
        ApplianceRunner runner = runner(port, fake(port, 0, "never"), Duration.ofSeconds(3));

        assertThatThrownBy(() -> runner.run(temp))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("was not ready")
                .hasMessageContaining("within 3 s");
        assertThat(output.toString()).doesNotContain("FAKE BANNER");
        try (Socket socket = new Socket()) {
            assertThatThrownBy(
                            () -> socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000))
                    .as("the child was stopped")
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void aCommandThatCannotStartIsReported() {
        ApplianceRunner runner = runner(1, List.of(temp.resolve("no-such-java").toString()), Duration.ofSeconds(3));

        assertThatThrownBy(() -> runner.run(temp))
                .isInstanceOf(CliException.class)
                .hasMessageStartingWith("cannot start the appliance");
    }
}
