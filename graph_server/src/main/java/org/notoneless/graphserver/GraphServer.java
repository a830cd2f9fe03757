package org.notoneless.graphserver;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.kernel.impl.security.User;
import org.neo4j.logging.NullLogProvider;
import org.neo4j.memory.EmptyMemoryTracker;
import org.neo4j.server.security.SecureHasher;
import org.neo4j.server.security.SystemGraphCredential;
import org.neo4j.server.security.auth.CommunitySecurityModule;
import org.neo4j.server.security.auth.FileUserRepository;

/**
 * The local graph server of NotOneLess: Neo4j Community embedded, Bolt on 127.0.0.1 only,
 * authentication on. Started and stopped by src/notoneless/graph/server.py.
 *
 * <p>Arguments: HOME PORT PASSWORD_FILE PAGECACHE (e.g. {@code .notoneless/neo4j 7688
 * .notoneless/neo4j/password 512m}); the heap is the JVM's {@code -Xmx}.
 *
 * <p>Prints {@code READY bolt://127.0.0.1:PORT} on stdout once the neo4j user's password is
 * the one in PASSWORD_FILE, so a client never meets the default password (and never trips the
 * login lockout by trying too early). Any start-up failure exits the JVM with status 1;
 * SIGTERM shuts the databases down cleanly.
 */
public final class GraphServer {
    private static final String USER = "neo4j";

    public static void main(String[] args) {
        try {
            if (args.length != 4) {
                throw new IllegalArgumentException("usage: GraphServer HOME PORT PASSWORD_FILE PAGECACHE");
            }
            Path home = Path.of(args[0]).toAbsolutePath();
            int port = Integer.parseInt(args[1]);
            String password = Files.readString(Path.of(args[2]), StandardCharsets.UTF_8).strip();
            long pagecache = ByteUnit.parse(args[3]);
            if (password.length() < 8) {
                throw new IllegalArgumentException("the password file holds fewer than 8 characters");
            }

            boolean firstStart = writeInitialPasswordIfNew(home, password);

            DatabaseManagementService service = new DatabaseManagementServiceBuilder(home)
                    .setConfig(Map.of(
                            BoltConnector.enabled, true,
                            BoltConnector.listen_address, new SocketAddress("127.0.0.1", port),
                            HttpConnector.enabled, false,
                            HttpsConnector.enabled, false,
                            GraphDatabaseSettings.auth_enabled, true,
                            GraphDatabaseSettings.pagecache_memory, pagecache,
                            // Bolt's shutdown waits out a quiet period (5 s by default) for new
                            // work that never comes here: the server is stopped only when no
                            // run holds the workspace (server.py). 10.6 s of every stop went
                            // there, and the bulk first load stops the server once.
                            GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, Duration.ZERO,
                            // No usage report to Neo4j: the server holds children's records, and
                            // the bureaus' networks have no way out anyway.
                            GraphDatabaseSettings.udc_enabled, false))
                    .build();
            Runtime.getRuntime().addShutdownHook(new Thread(service::shutdown, "graph-server-shutdown"));

            if (!firstStart) {
                setPassword(service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), password);
            }
            // Fails (and exits) when the user database did not come up.
            service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");
            System.out.println("READY bolt://127.0.0.1:" + port);
            System.out.flush();
        } catch (Throwable error) {
            System.err.println("FAILED " + error);
            error.printStackTrace(System.err);
            System.err.flush();
            // halt, not exit: a half-started Neo4j would keep Bolt open with nobody in charge.
            Runtime.getRuntime().halt(1);
        }
    }

    /**
     * Before the very first start, store the password where {@code neo4j-admin dbms
     * set-initial-password} stores it (data/dbms/auth.ini), so the default password never
     * exists. Returns whether this is the first start.
     */
    private static boolean writeInitialPasswordIfNew(Path home, String password) throws Exception {
        Config config = Config.newBuilder().set(GraphDatabaseSettings.neo4j_home, home).build();
        Path systemDb = config.get(GraphDatabaseSettings.data_directory).resolve("databases").resolve("system");
        if (Files.exists(systemDb)) {
            return false;
        }
        Path authFile = CommunitySecurityModule.getInitialUserRepositoryFile(config);
        Files.createDirectories(authFile.getParent());
        Files.deleteIfExists(authFile);
        try (DefaultFileSystemAbstraction fs = new DefaultFileSystemAbstraction()) {
            FileUserRepository users = new FileUserRepository(
                    fs, authFile, NullLogProvider.getInstance(), EmptyMemoryTracker.INSTANCE);
            users.start();
            SystemGraphCredential credential = SystemGraphCredential.createCredentialForPassword(
                    password.getBytes(StandardCharsets.UTF_8), new SecureHasher());
            users.create(new User(USER, null, credential, false, false));
            users.shutdown();
        }
        return true;
    }

    /** On later starts: make the password the file's (a no-op when it already is). */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (RuntimeException error) {
            if (!String.valueOf(error.getMessage()).contains("Old password and new password cannot be the same")) {
                throw error;
            }
        }
    }
}
