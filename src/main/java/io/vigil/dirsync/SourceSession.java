package io.vigil.dirsync;

import com.dynatrace.hash4j.hashing.Hasher64;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** One authenticated connection on the source: answers LIST and FETCH until the peer closes. */
final class SourceSession {

    private final TlsChannel ch;
    private final FrameWriter frames;
    private final Map<String, Path> directories;
    private final BooleanSupplier serving;
    private final Supplier<String> notServingReason;
    private byte[] encoderBuffer; // allocated at the first file, then reused
    private byte[] sumsBuffer;
    private ExecutorService sumsHelper; // hashes block-aligned blocks ahead of the encoder (AlignedSums)
    private final Hasher64 blockHash;

    SourceSession(TlsChannel ch, Map<String, Path> directories, BooleanSupplier serving,
                  Supplier<String> notServingReason) {
        this.ch = ch;
        this.frames = new FrameWriter(ch);
        this.directories = directories;
        this.serving = serving;
        this.notServingReason = notServingReason;
        this.blockHash = Blocks.strongHash(ch.blockKey());
    }

    void run() throws IOException {
        try {
            serve();
        } finally {
            if (sumsHelper != null) {
                sumsHelper.shutdownNow();
            }
        }
    }

    private void serve() throws IOException {
        while (true) {
            ByteBuffer m = ch.receive();
            try {
                byte type = Codec.type(m);
                if (type == Codec.LIST) {
                    list(Codec.getString(m));
                } else if (type == Codec.FETCH) {
                    fetch(m);
                } else {
                    throw new CorruptStreamException("unexpected message type " + type);
                }
            } catch (BufferUnderflowException e) {
                throw new CorruptStreamException("message shorter than its fields", e);
            }
            if (!ch.hasFrame()) {
                frames.flush(); // answers to requests that came together leave together (one write, not one per file)
            }
        }
    }

    /** The directory's root, or null after telling the peer why it cannot have it. */
    private Path root(String dir) throws IOException {
        if (!serving.getAsBoolean()) {
            frames.error("the peer is not a replication source now (" + notServingReason.get() + ")");
            return null;
        }
        Path root = directories.get(dir);
        if (root == null) {
            frames.error("directory '" + dir + "' is not replicated by the peer: both nodes must list the same "
                    + "replication.directories names");
            return null;
        }
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            frames.error("replicated directory '" + dir + "' (" + root + ") does not exist or is not a directory "
                    + "on the source node: create it there");
            return null;
        }
        return root;
    }

    private void list(String dir) throws IOException {
        Path root = root(dir);
        if (root == null) {
            return;
        }
        List<Entry> entries = Manifest.scan(root, skipped -> { });
        ByteBuffer b = null;
        int inFrame = 0;
        int countAt = 0;
        for (Entry e : entries) {
            if (b == null || b.remaining() < e.encodedSize()) {
                if (b != null) {
                    b.putInt(countAt, inFrame);
                    frames.send();
                }
                b = frames.begin(Codec.ENTRIES);
                countAt = b.position();
                b.putInt(0);
                inFrame = 0;
            }
            e.write(b);
            inFrame++;
        }
        if (b != null) {
            b.putInt(countAt, inFrame);
            frames.send();
        }
        frames.begin(Codec.END).putInt(entries.size());
        frames.send();
    }

    private void fetch(ByteBuffer m) throws IOException {
        String dir = Codec.getString(m);
        String rel = Codec.getString(m);
        long basisSize = m.getLong();
        int blockSize = m.getInt();
        int count = m.getInt();
        if (count < 0 || count > Blocks.MAX_SIGNATURES || blockSize < Blocks.MIN_BLOCK || blockSize > Blocks.MAX_BLOCK
                || count != Blocks.blockCount(basisSize, blockSize)) {
            throw new CorruptStreamException("bad FETCH: " + count + " blocks of " + blockSize + " for " + basisSize);
        }
        Blocks.Index index = count == 0 ? null : readSignatures(basisSize, blockSize, count);
        Path root = root(dir);
        if (root == null) {
            return;
        }
        Path file = SafePaths.resolve(root, rel);
        if (!SafePaths.parentsAreDirectories(root, file)) {
            gone(rel + " is no longer inside a directory on the source");
            return;
        }
        Entry attrs;
        FileChannel in;
        try {
            in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            attrs = stat(root, file);
        } catch (NoSuchFileException e) {
            gone(rel + " was deleted on the source");
            return;
        } catch (IOException e) {
            gone(rel + " cannot be read on the source: " + e.getMessage());
            return;
        }
        try (in) {
            if (attrs == null) {
                gone(rel + " is no longer a regular file on the source");
                return;
            }
            ByteBuffer f = frames.begin(Codec.FILE);
            attrs.write(f);
            frames.send();
            if (encoderBuffer == null) {
                encoderBuffer = new byte[DeltaEncoder.BUFFER];
            }
            DeltaEncoder enc = new DeltaEncoder(frames, encoderBuffer, blockHash);
            AlignedSums sums = index == null ? null : startSums(in, attrs.size(), blockSize);
            byte[] hash;
            try {
                hash = enc.encode(in, index, sums);
            } finally {
                if (sums != null) {
                    sums.close();
                }
            }
            ByteBuffer end = frames.begin(Codec.FILE_END);
            end.putLong(enc.literalBytes() + enc.matchedBytes()).put(hash);
            end.putLong(enc.literalBytes());
            frames.send();
        }
    }

    private AlignedSums startSums(FileChannel in, long size, int blockSize) {
        if (sumsHelper == null) {
            sumsHelper = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "vigil-dirsync-sums");
                t.setDaemon(true);
                return t;
            });
            sumsBuffer = new byte[AlignedSums.BUFFER];
        }
        return AlignedSums.start(sumsHelper, in, size, blockSize, blockHash, sumsBuffer);
    }

    private Blocks.Index readSignatures(long basisSize, int blockSize, int count) throws IOException {
        Blocks.Index index = new Blocks.Index(basisSize, blockSize, count);
        while (index.size() < count) {
            ByteBuffer s = ch.receive();
            if (Codec.type(s) != Codec.SIGS) {
                throw new CorruptStreamException("expected block signatures");
            }
            int n = s.getInt();
            if (n <= 0 || index.size() + n > count || s.remaining() != n * 12) {
                throw new CorruptStreamException("bad signature message of " + n + " entries");
            }
            for (int i = 0; i < n; i++) {
                index.add(s.getInt(), s.getLong());
            }
        }
        return index;
    }

    private static Entry stat(Path root, Path file) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, "unix:mode,uid,gid,size,lastModifiedTime,isRegularFile",
                LinkOption.NOFOLLOW_LINKS);
        if (!Boolean.TRUE.equals(a.get("isRegularFile"))) {
            return null;
        }
        return new Entry(Manifest.relative(root, file), Entry.Type.FILE, (Long) a.get("size"),
                Manifest.nanos((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")),
                ((Integer) a.get("mode")) & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"), "");
    }

    private void gone(String why) throws IOException {
        Codec.putString(frames.begin(Codec.GONE), why);
        frames.send();
    }
}
