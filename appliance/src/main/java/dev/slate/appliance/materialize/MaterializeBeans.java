package dev.slate.appliance.materialize;

import dev.slate.serving.engine.materialize.AggregateBackfillService;
import dev.slate.serving.engine.materialize.MaterializationMarks;
import dev.slate.serving.engine.materialize.MaterializeService;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.storage.spi.OnlineStore;
import dev.slate.storage.spi.offline.OfflineStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/** Reverse ETL: the service behind {@code POST /v1/materialize} and the scheduled run. */
@Singleton
class MaterializeBeans {

    @Produces
    @Singleton
    MaterializationMarks materializationMarks(DataSource dataSource) {
        return new PostgresMaterializationMarks(dataSource);
    }

    @Produces
    @Singleton
    MaterializeService materializeService(
            ServingState state, OnlineStore online, OfflineStore offline, MaterializationMarks marks) {
        return new MaterializeService(state, online, offline, marks, Clock.systemUTC(), Duration.ofSeconds(30));
    }

    /** The service behind {@code POST /v1/aggregations/{feature}/backfill}: buckets rebuilt from the offline store. */
    @Produces
    @Singleton
    AggregateBackfillService aggregateBackfillService(ServingState state, OnlineStore online, OfflineStore offline) {
        return new AggregateBackfillService(state, online, offline, Clock.systemUTC());
    }
}
