package io.vigil.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Acceptor.Admission} on real loopback sockets (Linux answers for all of 127/8, so
 * 127.0.0.2 and .3 are strangers and 127.0.0.1 the privileged peer). Served connections are
 * held until the test releases them, so slots stay taken.
 */
class AcceptorAdmissionTest {

    private final List<InetAddress> served = new CopyOnWriteArrayList<>();
    private final List<InetAddress> refused = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Socket> clients = new ArrayList<>();
    private Acceptor acceptor;

    @AfterEach
    void tearDown() throws IOException {
        release.countDown();
        for (Socket s : clients) {
            s.close();
        }
        acceptor.close();
    }

    private void start(int threads, int queued, Acceptor.Admission admission) throws IOException {
        ServerSocket listen = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Acceptor(listen, "test service", "test", threads, queued, admission, this::hold,
                s -> {
                    refused.add(s.getInetAddress());
                    close(s);
                }, line -> { });
        acceptor.start();
    }

    private void hold(Socket s) {
        served.add(s.getInetAddress());
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close(s);
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // test teardown
        }
    }

    private void connectFrom(int host) throws IOException {
        Socket s = new Socket();
        clients.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + host), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), acceptor.port()));
    }

    private void awaitDecided(int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> served.size() + refused.size() == n);
    }

    @Test
    void oneAddressGetsAtMostItsShareAndTheReservedThreadStaysForThePeer() throws Exception {
        InetAddress peer = InetAddress.getByName("127.0.0.1");
        start(4, 4, new Acceptor.Admission(1, 2, Set.of(peer)::contains));

        connectFrom(2);
        connectFrom(2); // over its per-address share
        awaitDecided(2);
        connectFrom(3);
        connectFrom(4); // strangers may hold 4 - 2 threads, queued or running: this one is over
        awaitDecided(4);
        connectFrom(1);
        connectFrom(1); // the peer is exempt from both limits
        awaitDecided(6);

        assertThat(served).extracting(InetAddress::getHostAddress)
                .containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3", "127.0.0.1", "127.0.0.1");
        assertThat(refused).extracting(InetAddress::getHostAddress).containsExactly("127.0.0.2", "127.0.0.4");
    }

    @Test
    void withoutAdmissionEveryConnectionIsTakenUntilThePoolAndQueueAreFull() throws Exception {
        start(1, 1, Acceptor.Admission.NONE);

        connectFrom(2);
        connectFrom(2);
        connectFrom(2);

        await().atMost(Duration.ofSeconds(10)).until(() -> served.size() == 1 && refused.size() == 1);
        assertThat(refused).hasSize(1); // the second waits in the queue, the third is refused
    }
}
