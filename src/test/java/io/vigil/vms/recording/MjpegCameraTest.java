package io.vigil.vms.recording;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The MJPEG camera against a camera played by a real socket server. */
class MjpegCameraTest {
    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private ServerSocket server;
    private MjpegCamera camera;

    private final Camera.Sink sink = new Camera.Sink() {
        @Override
        public void frame(Frame f) {
            frames.add(f);
        }

        @Override
        public void problem(String message) {
            if (message != null) {
                problems.add(message);
            }
        }
    };

    @AfterEach
    void stop() throws Exception {
        if (camera != null) {
            camera.close();
        }
        server.close();
    }

    /** Serves {@code answer} to one connection, after reading the request head. */
    private URI camera(String path, byte[] answer) throws Exception {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                StringBuilder head = new StringBuilder();
                for (String l = in.readLine(); l != null && !l.isEmpty(); l = in.readLine()) {
                    head.append(l).append('\n');
                }
                requests.add(head.toString());
                OutputStream out = s.getOutputStream();
                out.write(answer);
                out.flush();
            } catch (Exception e) {
                // the test closed the server
            }
        });
        t.setDaemon(true);
        t.start();
        return URI.create("http://user:pw@127.0.0.1:" + server.getLocalPort() + path);
    }

    private static byte[] part(String boundary, byte[] jpeg) {
        byte[] head = ("--" + boundary + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] p = new byte[head.length + jpeg.length + 2];
        System.arraycopy(head, 0, p, 0, head.length);
        System.arraycopy(jpeg, 0, p, head.length, jpeg.length);
        p[p.length - 2] = '\r';
        p[p.length - 1] = '\n';
        return p;
    }

    @Test
    void eachPartBecomesAFrameNumberedFromTheFirstSequence() throws Exception {
        var answer = new java.io.ByteArrayOutputStream();
        answer.write("HTTP/1.0 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=--myboundary\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < 3; i++) {
            answer.write(part("myboundary", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) i, (byte) 0xFF, (byte) 0xD9}));
        }
        camera = new MjpegCamera(9, camera("/video?res=hd", answer.toByteArray()), 40, sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> frames.size() == 3);
        assertThat(frames).extracting(Frame::sequence).containsExactly(40L, 41L, 42L);
        assertThat(frames).extracting(Frame::deviceId).containsOnly(9L);
        assertThat(frames.get(2).payload()).containsExactly(0xFF, 0xD8, 2, 0xFF, 0xD9);
        assertThat(requests.get(0)).startsWith("GET /video?res=hd HTTP/1.0\n")
                .contains("Authorization: Basic dXNlcjpwdw==\n"); // user:pw
    }

    @Test
    void aPageThatIsNotAnMjpegStreamIsRefusedWithTheReason() throws Exception {
        camera = new MjpegCamera(9, camera("/", "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>"
                .getBytes(StandardCharsets.ISO_8859_1)), 0, sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> !problems.isEmpty());
        assertThat(problems.get(0)).isEqualTo("camera 127.0.0.1: Content-Type 'text/html' is not"
                + " multipart/x-mixed-replace (an MJPEG stream); retrying in 1 s");
        assertThat(frames).isEmpty();
    }

    @Test
    void aPartWithoutContentLengthIsRefusedWithTheReason() throws Exception {
        camera = new MjpegCamera(9, camera("/", ("HTTP/1.0 200 OK\r\nContent-Type: multipart/x-mixed-replace;"
                + " boundary=b\r\n\r\n--b\r\nContent-Type: image/jpeg\r\n\r\nxxxx").getBytes(StandardCharsets.ISO_8859_1)),
                0, sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> !problems.isEmpty());
        assertThat(problems.get(0)).isEqualTo("camera 127.0.0.1: a part has no Content-Length;"
                + " this MJPEG stream is not supported; retrying in 1 s");
    }

    @Test
    void anErrorStatusIsRefusedWithTheStatusLine() throws Exception {
        camera = new MjpegCamera(9, camera("/", "HTTP/1.0 401 Unauthorized\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)),
                0, sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> !problems.isEmpty());
        assertThat(problems.get(0)).isEqualTo("camera 127.0.0.1: answered 'HTTP/1.0 401 Unauthorized' instead of 200;"
                + " retrying in 1 s");
    }
}
