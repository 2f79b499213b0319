package dev.slate.appliance.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class VertxClientGaugeFilterTest {

    @Test
    void perConnectionClientGaugesAreDroppedAndPoolGaugesKept() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registry.config().meterFilter(VertxClientGaugeFilter.FILTER);
        Tags client = Tags.of("clientName", "<default>", "clientType", "sql");
        AtomicInteger first = new AtomicInteger(3);
        AtomicInteger second = new AtomicInteger(5);
        // what two connections of one pool register, one after the other
        Gauge.builder("postgresql.queue.size", first::get).tags(client).register(registry);
        Gauge.builder("postgresql.queue.size", second::get).tags(client).register(registry);
        Gauge.builder("postgresql.current", first::get).tags(client).register(registry);
        Gauge.builder("pool.queue.size", first::get)
                .tags("pool.type", "sql", "pool.name", "slate-source-appdb-1")
                .register(registry);
        registry.counter("postgresql.completed", client).increment();

        assertThat(registry.find("postgresql.queue.size").meters()).isEmpty();
        assertThat(registry.find("postgresql.current").meters()).isEmpty();
        assertThat(registry.get("pool.queue.size").gauge().value()).isEqualTo(3.0);
        assertThat(registry.get("postgresql.completed").counter().count()).isEqualTo(1.0);
    }

    @Test
    void gaugesRegisteredBeforeTheFilterAreRemoved() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicInteger value = new AtomicInteger(1);
        Tags client = Tags.of("clientName", "<default>", "clientType", "sql");
        Gauge.builder("postgresql.queue.size", value::get).tags(client).register(registry);
        Gauge.builder("pool.queue.size", value::get)
                .tags("pool.type", "sql", "pool.name", "p")
                .register(registry);

        VertxClientGaugeFilter.removeExisting(registry);
        registry.config().meterFilter(VertxClientGaugeFilter.FILTER);
        Gauge.builder("postgresql.queue.size", value::get).tags(client).register(registry); // the next connection

        assertThat(registry.find("postgresql.queue.size").meters()).isEmpty();
        assertThat(registry.find("pool.queue.size").meters()).hasSize(1);
    }

    @Test
    void gaugesWithoutTheClientTypeTagAreKept() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registry.config().meterFilter(VertxClientGaugeFilter.FILTER);
        AtomicInteger value = new AtomicInteger(7);
        Gauge.builder("work.queue.size", value::get).register(registry);
        assertThat(registry.get("work.queue.size").gauge().value()).isEqualTo(7.0);
    }
}
