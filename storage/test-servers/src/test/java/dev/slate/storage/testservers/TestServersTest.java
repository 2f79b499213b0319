package dev.slate.storage.testservers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestServersTest {

    @Test
    void embeddedServersAnswerOnFreePortsAndAreReused() throws Exception {
        // this build's surefire passes no SLATE_TEST_* variables to this module's tests: embedded servers
        Map<String, String> none = Map.of();
        TestPostgres pg = TestServers.postgres(none);
        assertThat(pg.host()).isEqualTo("127.0.0.1");
        assertThat(pg.database()).isEqualTo("test");
        try (Connection c = pg.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("test");
        }
        assertThat(TestServers.postgres(none)).isEqualTo(pg);

        String redis = TestServers.redisUrl(none);
        URI uri = URI.create(redis);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(new String(in.readNBytes(7), StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
        }
        assertThat(TestServers.redisUrl(none)).isEqualTo(redis);
    }

    @Test
    void localModeAndExplicitUrlsAreParsed() {
        assertThat(TestServers.local(Map.of("SLATE_TEST_SERVERS", "local"))).isTrue();
        assertThat(TestServers.local(Map.of())).isFalse();
        TestPostgres pg = TestPostgres.parse("jdbc:postgresql://127.0.0.1:5432/test_herm?sslmode=disable", "postgres");
        assertThat(pg).isEqualTo(new TestPostgres("127.0.0.1", 5432, "test_herm", "postgres"));
        assertThat(pg.url()).isEqualTo("postgresql://127.0.0.1:5432/test_herm");
        assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test_herm");
    }
}
