package dev.threadgraph.neo4j;

import static org.neo4j.kernel.impl.factory.DbmsInfo.COMMUNITY;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.graphdb.facade.DatabaseManagementServiceFactory;
import org.neo4j.graphdb.facade.GraphDatabaseDependencies;
import org.neo4j.graphdb.factory.module.edition.CommunityEditionModule;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;
import org.neo4j.logging.log4j.LogConfig;

/**
 * Starts a Neo4j Community DBMS (Bolt, HTTP and Neo4j Browser) from the Maven Central
 * artifacts, the same way Neo4j's own test harness does, but with a fixed home directory so
 * the data survives restarts.
 *
 * <p>Usage: {@code LocalNeo4j <home>}. Settings are read from {@code <home>/conf/neo4j.conf},
 * written by {@code threadgraph neo4j start}. The process runs until it gets SIGTERM or
 * SIGINT, then shuts the DBMS down cleanly (checkpoint, close stores) and exits 0.
 */
public final class LocalNeo4j {
    private LocalNeo4j() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: LocalNeo4j <neo4j-home>");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path conf = home.resolve("conf").resolve("neo4j.conf");
        Config config = Config.newBuilder()
                .set(GraphDatabaseSettings.neo4j_home, home)
                .fromFile(conf)
                .build();

        Path logs = home.resolve("logs");
        Files.createDirectories(logs);
        var fs = new DefaultFileSystemAbstraction();
        var loggerContext = LogConfig.createTemporaryLoggerToSingleFile(fs, logs.resolve("neo4j.log"), Level.INFO, true);
        var dependencies = GraphDatabaseDependencies.newDependencies().userLogProvider(new Log4jLogProvider(loggerContext));

        DatabaseManagementService dbms =
                new DatabaseManagementServiceFactory(COMMUNITY, CommunityEditionModule::new).build(config, false, dependencies);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("threadgraph-local-neo4j: stopping");
            dbms.shutdown();
            loggerContext.close();
            stopped.countDown();
        }, "neo4j-shutdown"));
        System.out.println("threadgraph-local-neo4j: started, home " + home);
        stopped.await();
    }
}
