package dev.slate.appliance.alerts;

import dev.slate.control.alerts.AlertNotifier;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Alert email over SMTP with the Vert.x mail client: {@code smtp://host:port} of the channel, STARTTLS
 * when the server offers it, no authentication (a relay inside the customer network). Called on the
 * notifier's delivery threads, never on the evaluator's.
 */
@Singleton
public class VertxMailSender implements AlertNotifier.MailSender {

    private final Vertx vertx;

    public VertxMailSender(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public void send(URI smtp, String from, String to, String subject, String body) throws Exception {
        MailConfig config = new MailConfig()
                .setHostname(smtp.getHost())
                .setPort(smtp.getPort() > 0 ? smtp.getPort() : 25)
                .setStarttls(StartTLSOptions.OPTIONAL)
                .setConnectTimeout(5000);
        MailClient client = MailClient.create(vertx, config);
        try {
            client.sendMail(new MailMessage()
                            .setFrom(from)
                            .setTo(List.of(to))
                            .setSubject(subject)
                            .setText(body))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } finally {
            client.close();
        }
    }
}
