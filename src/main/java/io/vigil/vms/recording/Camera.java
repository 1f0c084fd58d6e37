package io.vigil.vms.recording;

/** A source of frames that runs on its own thread until closed. */
public interface Camera extends AutoCloseable {

    /** What the camera reports to the recording server besides its frames. */
    public interface Sink {
        void frame(Frame f);

        /** The camera cannot deliver (unreachable, bad stream); {@code null} when it delivers again. */
        void problem(String message);
    }

    @Override
    void close();
}
