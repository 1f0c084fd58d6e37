package io.vigil.resource;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a process's merged stdout/stderr, line by line, to the application log (SPEC §2
 * "Logs"); lines are bounded ({@link BoundedLineReader}). The stream must always be drained: a service whose pipe fills up blocks on its
 * next write and looks hung to the checkers.
 */
final class OutputPump {

    private static final Logger log = LoggerFactory.getLogger(OutputPump.class);

    private OutputPump() {
    }

    static void start(String resource, InputStream output, BiConsumer<String, String> appLog) {
        Thread thread = new Thread(() -> pump(resource, output, appLog), "vigil-output-" + resource);
        thread.setDaemon(true);
        thread.start();
    }

    private static void pump(String resource, InputStream output, BiConsumer<String, String> appLog) {
        try (InputStreamReader in = new InputStreamReader(output, StandardCharsets.UTF_8)) {
            BoundedLineReader reader = new BoundedLineReader(in);
            String line;
            while ((line = reader.readLine()) != null) {
                try {
                    appLog.accept(resource, line);
                } catch (RuntimeException e) {
                    log.error("application log sink failed for {}", resource, e);
                }
            }
        } catch (IOException e) {
            // The process is gone and its pipe closed: nothing more to copy.
            log.debug("output of {} closed: {}", resource, e.toString());
        }
    }
}
