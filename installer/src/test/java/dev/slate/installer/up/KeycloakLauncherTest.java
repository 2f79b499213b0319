package dev.slate.installer.up;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeycloakLauncherTest {

    @Test
    void findsTheScriptOfTheCheckoutAndBuildsItsCommandLines() {
        Path jar = Path.of("/repo/appliance/target/quarkus-app/quarkus-run.jar");
        assertThat(KeycloakLauncher.scriptFor(jar)).isEqualTo(Path.of("/repo/auth/keycloak.sh"));
        KeycloakLauncher k =
                new KeycloakLauncher(Path.of("/repo/auth/keycloak.sh"), Path.of("/home/u/.slate/keycloak"));
        assertThat(k.startCommand(18080, true))
                .containsExactly(
                        "bash",
                        "/repo/auth/keycloak.sh",
                        "start",
                        "--data",
                        "/home/u/.slate/keycloak",
                        "--port",
                        "18080");
        assertThat(k.startCommand(18081, false)).endsWith("--port", "18081", "--no-demo-users");
        assertThat(k.stopCommand())
                .containsExactly("bash", "/repo/auth/keycloak.sh", "stop", "--data", "/home/u/.slate/keycloak");
        assertThat(k.supervisedStartCommand(18080, true, 4242, 300))
                .containsExactly(
                        "bash",
                        "/repo/auth/keycloak.sh",
                        "start",
                        "--data",
                        "/home/u/.slate/keycloak",
                        "--port",
                        "18080",
                        "--replace",
                        "--watch-pid",
                        "4242",
                        "--timeout",
                        "300");
    }

    @Test
    void readsTheIssuerFromTheLaunchersOutput() {
        var m = KeycloakLauncher.ISSUER_LINE.matcher("  issuer         http://127.0.0.1:18080/realms/slate");
        assertThat(m.matches()).isTrue();
        assertThat(m.group(1)).isEqualTo("http://127.0.0.1:18080/realms/slate");
        assertThat(KeycloakLauncher.ISSUER_LINE
                        .matcher("  admin console  http://127.0.0.1:18080/admin/")
                        .matches())
                .isFalse();
    }

    @Test
    void theDemoPasswordIsShownOnlyForADemoInstance(@TempDir Path data) throws Exception {
        KeycloakLauncher k = new KeycloakLauncher(Path.of("/nowhere/keycloak.sh"), data);
        assertThat(k.demoPassword()).isEmpty();
        Files.writeString(data.resolve("credentials.properties"), "demo.user.password=s3cret\nadmin.password=other\n");
        Files.writeString(data.resolve("instance.properties"), "demo-users=false\n");
        assertThat(k.demoPassword()).isEmpty();
        Files.writeString(data.resolve("instance.properties"), "demo-users=true\n");
        assertThat(k.demoPassword()).contains("s3cret");
    }

    @Test
    void theBannerSaysHowToLogIn() {
        URI issuer = URI.create("http://127.0.0.1:18080/realms/slate");
        String demo = ConsoleBanner.render(
                URI.create("http://127.0.0.1:8080"),
                Path.of("/h"),
                true,
                Optional.of(new ConsoleBanner.Login(
                        issuer, Optional.of("pw123"), Optional.of(Path.of("/h/keycloak/credentials.properties")))));
        assertThat(demo)
                .contains("./slate login -u alice")
                .contains("pw123")
                .contains("Authorization: Bearer $(./slate token)");
        String plain = ConsoleBanner.render(
                URI.create("http://127.0.0.1:8080"),
                Path.of("/h"),
                false,
                Optional.of(new ConsoleBanner.Login(
                        URI.create("https://sso.example.com/realms/slate"),
                        Optional.empty(),
                        Optional.of(Path.of("/h/keycloak/credentials.properties")))));
        assertThat(plain)
                .contains("./slate login --issuer https://sso.example.com/realms/slate -u USER")
                .contains("/h/keycloak/credentials.properties")
                .contains("https://sso.example.com/admin/")
                .doesNotContain("pw123");
    }
}
