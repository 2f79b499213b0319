package dev.slate.appliance.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.slate.control.alerts.AlertChannel;
import dev.slate.control.alerts.AlertEvent;
import dev.slate.control.alerts.AlertFormula;
import dev.slate.control.alerts.AlertNotifier;
import dev.slate.control.alerts.AlertRule;
import io.vertx.core.Vertx;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An email channel delivers to a real SMTP server (GreenMail, on a free port). */
class VertxMailSenderTest {

    @RegisterExtension
    static final GreenMailExtension SMTP =
            new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void anAlertArrivesAsEmail() throws Exception {
        int port = SMTP.getSmtp().getPort();
        AlertNotifier notifier = new AlertNotifier(
                2,
                Duration.ofMillis(20),
                Duration.ofSeconds(5),
                (env, ref) -> Optional.empty(),
                new VertxMailSender(vertx),
                "slate-alerts@example.internal",
                o -> {});
        AlertRule rule = new AlertRule(
                "prod",
                "store_down",
                AlertFormula.parse("slate_dependency_up{dependency=\"online-store\"}"),
                AlertRule.Comparator.LT,
                1,
                Duration.ZERO,
                AlertRule.Severity.CRITICAL,
                "team-platform",
                List.of("mail"),
                Optional.empty());
        AlertChannel mail = new AlertChannel(
                "prod",
                "mail",
                AlertChannel.Kind.EMAIL,
                URI.create("smtp://127.0.0.1:" + port),
                Optional.empty(),
                Optional.of("oncall@example.internal"));

        AlertNotifier.Outcome o = notifier.deliver(
                        new AlertEvent(rule, AlertEvent.Type.FIRING, 0, Instant.now(), "k-1"), mail)
                .get(30, TimeUnit.SECONDS);
        notifier.close();

        assertThat(o.delivered()).as("%s", o.error()).isTrue();
        assertThat(SMTP.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage m = SMTP.getReceivedMessages()[0];
        assertThat(m.getSubject()).contains("[CRITICAL] store_down firing in prod");
        assertThat(m.getAllRecipients()[0].toString()).isEqualTo("oncall@example.internal");
        assertThat(GreenMailUtil.getBody(m)).contains("slate.alert.v1").contains("team-platform");
    }
}
