package dev.lanes.core.kernel.simd;

import static dev.lanes.core.kernel.simd.FloatSpecies.F;
import static dev.lanes.core.kernel.simd.FloatSpecies.L;

import dev.lanes.core.kernel.GemmKernel;
import dev.lanes.core.parallel.Parallel;
import dev.lanes.core.parallel.RangeBody;
import jdk.incubator.vector.FloatVector;

/**
 * sgemm on the Vector API, in the GotoBLAS/BLIS structure (Goto and van de Geijn, "Anatomy of
 * high-performance matrix multiplication", ACM TOMS 34(3), 2008; Van Zee and van de Geijn,
 * "BLIS", ACM TOMS 41(3), 2015):
 *
 * <pre>
 * for jc in n, step NC                     (a KC×NC block of op(B) lives in L3)
 *   for pc in k, step KC
 *     pack op(B)[pc:+KC, jc:+NC] into NR-wide panels          (shared by all threads)
 *     for ic in m, step MC                 (split over the threads)
 *       pack op(A)[ic:+MC, pc:+KC] into MR-tall panels         (one per thread, lives in L2)
 *       for jr in NC, step NR              (one KC×NR panel of B lives in L1)
 *         for ir in MC, step MR
 *           micro-kernel: C[ir:+MR, jr:+NR] += A panel · B panel
 * </pre>
 *
 * The micro-kernel holds an MR×NR tile of C in MR·NR/L vector registers as plain local
 * variables (in an array or a field the vectors would be boxed, about 50x slower) and, per step
 * of k, loads NR/L vectors of B and broadcasts MR values of A. With 16 vector registers (AVX2,
 * L = 8) a 6×16 tile takes 12 accumulators, 2 B vectors and 1 broadcast: 12 independent FMAs per
 * step hide the FMA latency (4 cycles × 2 ports = 8 in flight). Packing makes both operands
 * contiguous in the order the micro-kernel reads them, and handles the four transpose cases, so
 * the micro-kernel never sees a transpose. Edge panels are padded with zeros, so the micro-kernel
 * always runs a full tile and only the write-back of an edge tile is partial.
 *
 * <p>alpha and beta are applied at write-back: the first KC block computes
 * {@code alpha·acc + beta·C}, the later ones {@code alpha·acc + C}.
 *
 * <p>Threads: a product with at least {@link #MIN_ROW_BLOCKS_PER_THREAD} blocks of MC rows per
 * thread splits its rows, as OpenBLAS does: per block of op(B) the threads first pack it
 * together (it is shared), then take the MC-row blocks of C as they come free, each packing its
 * own block of A and multiplying it by the whole shared block of B; a thread held up by another
 * process leaves its remaining blocks to the other rather than holding up the call. Products
 * with fewer rows (a dense layer's batch of 64) but at least two NR-wide column panels per
 * thread split the columns instead: each block of k first packs the whole of op(A)[:, pc:+kc]
 * once, its panels split over the threads, and then the threads take chunks of column panels
 * (about two per thread, of {@link #MIN_CHUNK_PANELS} to {@link #MAX_CHUNK_PANELS} panels) as
 * they come free, each chunk packing its own columns of op(B) and multiplying every row of C
 * by them; where that would give a thread fewer than two chunks and k spans several blocks
 * (a dense layer's forward, 128 outputs deep in 3136 inputs), the blocks of k go to the
 * threads instead, each into a partial product of its own, added in block order afterwards
 * ({@link Context#depthSplit}): 1.2x as fast with 2 threads for that forward (0.64 against
 * 0.76-0.79 ms, probe loops). The rest split their rows in whole MR panels, one range per
 * thread. With 2 threads at n = 512 the row split ran 2.26 ms where the column split ran
 * 2.49-2.64 (JMH, two runs of two forks each, README's sgemm section); at n = 1024 and 2048
 * they measured alike. Every element of C is computed by the same operations in the same order
 * whichever thread computes it (the k blocking is the same, the micro-kernel's lanes do not
 * interact, and the depth split's sums repeat the write-back's), so the result is bit for bit
 * the same for any thread count.
 *
 * <p>Small products (m·n·k ≤ {@link #SMALL}) skip packing, which would cost as much as the
 * multiply: a register-blocked loop reads A and B where they are.
 *
 * <p>Packing buffers live in a per-thread {@link Context} and grow once, so a call in steady
 * state allocates nothing; the parallel loop bodies are bound once per context for the same
 * reason.
 */
final class SimdGemm implements GemmKernel {
  /** Rows of the micro-tile: the A values broadcast per step of k. */
  static final int MR = 6;
  /** Columns of the micro-tile: two vectors of B per step of k. */
  static final int NR = 2 * L;
  /**
   * Depth of a packed block. Each pass over k rereads and rewrites C, and once C no longer fits
   * in the caches every tile's reload waits for memory, so deeper blocks (fewer passes) pay off:
   * measured on a Zen 3 core, 512 beat 256 by 5-10% at n ≥ 512. The KC×NR panel of B (32 KiB
   * at NR = 16) then fills the L1, and the MR×KC panel of A streams from the L2.
   */
  static final int KC = Integer.getInteger("tune.kc", 512);
  /** Steps of k per block when packing a transposed B: 16 floats, one cache line per row. */
  static final int TRANSPOSE_STEPS = 16;
  /** Rows of a packed A block, a multiple of MR: MC×KC floats (96 KiB) stay in the L2. */
  static final int MC = Integer.getInteger("tune.mc", 8) * MR;
  /** Columns of a packed B block, a multiple of NR: KC×NC floats (4 MiB) stay in the L3. */
  static final int NC = Integer.getInteger("tune.nc", 2048);
  /**
   * Up to this m·n·k the unpacked path runs (packing would cost as much as the product). So
   * does a product with B transposed and fewer than NR columns of C, at any size: packing op(B)
   * is a scalar transpose there, op(A) another, and most of the padded NR-wide panel would be
   * zeros (a first convolution's weight gradient: 32 x 9 x 784 ran at 9 GFLOP/s packed).
   */
  static final long SMALL = 48L * 48 * 48;
  /**
   * The fewest blocks of MC rows per thread for which the threads split the rows of C, taking
   * a block at a time (see the class comment): with fewer, the last blocks would leave a
   * thread idle for a large part of the call.
   */
  static final int MIN_ROW_BLOCKS_PER_THREAD = 4;
  /** -Dtune.columnSplit=true: the column split wherever it applies, to compare. */
  static final boolean FORCE_COLUMN_SPLIT = Boolean.getBoolean("tune.columnSplit");
  /**
   * From this many floats of C (m·nc: 8 MiB) a block of A runs each MR-row panel across all of
   * B's panels (rows outer) rather than each B panel down all of A's panels. Once C is larger
   * than the caches, every tile's write-back misses; along a row panel consecutive tiles continue
   * the same MR rows of C 64 bytes further on, which the hardware prefetchers follow, where
   * going down A's panels starts MR new rows at every tile. One thread at n = 2048 (16 MiB of C):
   * 218-269 ms against 268-308 (medians of two forks in four JMH runs each), two threads 128
   * against 134-154 ms. At n = 1024 (4 MiB) rows outer ran 6% slower (32.4-32.7 against
   * 30.4-31.0 ms): each tile then reads its B panel from L2 rather than from L1, where the
   * panel stays while it goes down A's MC / MR panels.
   */
  static final long ROWS_OUTER_FLOATS = 1L << 21;
  /**
   * The fewest column panels per chunk of the column split (64 columns): every chunk reads the
   * whole shared packed A once, so narrower chunks would read it more often for little balance.
   */
  static final int MIN_CHUNK_PANELS = 4;
  /**
   * The most column panels per chunk (256 columns). A chunk walks down every row of C over
   * its columns, a strip ldc floats apart from row to row. With strips of 64 columns two
   * threads were no faster than one in every JMH fork at n = 2048 and in some at n = 1024
   * (README, sgemm section); with 256 the slow forks became rare, though one of four at
   * n = 2048 still had it. Which forks suffer changes from JVM to JVM (probably cache-set
   * conflicts between C's rows, which depend on where the OS put its pages). At n = 512, 4,
   * 8 or 16 panels measured alike in probe loops (medians of five JVMs, 2.51-2.53 ms).
   */
  static final int MAX_CHUNK_PANELS = Integer.getInteger("tune.chunkPanels", 16);
  /** From this m·n·k on the blocked path splits its rows over the shared pool. */
  static final long PARALLEL = 96L * 96 * 96;
  /** About the parts per thread of the depth split (see {@link Context#depthSplit}). */
  static final int DEPTH_PARTS_PER_THREAD = 4;
  /** The most floats of partial products the depth split keeps (16 MiB). */
  static final long MAX_PARTIAL_FLOATS = 1L << 22;

  private static final ThreadLocal<Context> CONTEXT = ThreadLocal.withInitial(Context::new);

  @Override
  public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    if (alpha == 0 || k == 0) {
      scale(m, n, beta, c, cOff, ldc); // BLAS: A and B are not read
      return;
    }
    boolean narrowTransB = transB && !transA && n < NR;
    if (((long) m * n * k <= SMALL || narrowTransB) && !(transA && transB)) {
      if (transB) {
        smallRowsDotRows(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      } else {
        smallBroadcastA(transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      }
      return;
    }
    Context ctx = CONTEXT.get();
    try {
      ctx.run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    } finally {
      ctx.release();
    }
  }

  /**
   * One thread's packing buffers, and the description of the call it is running, which the
   * pool's workers read through {@link #packB} and {@link #multiply} (their writes are
   * published by the pool's volatile hand-off).
   */
  private static final class Context {
    /** MC×KC of op(A), as MR-tall panels, each KC steps of MR values. */
    float[] packedA = new float[0];
    /**
     * op(A)[:, pc:+kc] whole, as MR-tall panels: the column split's, shared by the threads; in
     * a part of the depth split, the block of A of the thread running it (a call uses one
     * split or the other).
     */
    float[] sharedA = new float[0];
    /** The depth split's partial products, one m×n block per block of k (the caller's). */
    float[] partials = new float[0];
    /** KC×NC of op(B), as NR-wide panels, each KC steps of NR values; grown on demand. */
    float[] packedB = new float[0];
    /** The accumulators of an edge tile, written back element by element. */
    final float[] tile = new float[MR * NR];
    /** Where the NR rows of a transposed B panel start, for {@link Transpose8#rows}. */
    final int[] transposeRows = new int[NR];

    // bound once, so that a parallel call allocates no lambda
    final RangeBody packB = this::packBPanels;
    final RangeBody multiply = this::multiplyPanels;
    final RangeBody packShared = this::packSharedPanels;
    final RangeBody columnChunk = this::multiplyColumnChunk;
    final RangeBody depthParts = this::multiplyDepthParts;
    final RangeBody depthSum = this::sumDepthRows;

    // the call
    boolean transA;
    boolean transB;
    int m;
    float alpha;
    float[] a;
    int aOff;
    int lda;
    float[] b;
    int bOff;
    int ldb;
    float[] c;
    int cOff;
    int ldc;
    int n;
    int k;
    float beta;
    // the current block: op(B)[pc:+kc, jc:+nc], and the beta its write-back applies
    int jc;
    int nc;
    int pc;
    int kc;
    float blockBeta;
    // the depth split's parts: kBlocks blocks of k times colParts parts of partPanels panels
    int kBlocks;
    int colPanels;
    int colParts;
    int partPanels;

    void run(boolean transA, boolean transB, int m, int n, int k, float alpha,
        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
        float beta, float[] c, int cOff, int ldc) {
      this.transA = transA;
      this.transB = transB;
      this.m = m;
      this.alpha = alpha;
      this.a = a;
      this.aOff = aOff;
      this.lda = lda;
      this.b = b;
      this.bOff = bOff;
      this.ldb = ldb;
      this.c = c;
      this.cOff = cOff;
      this.ldc = ldc;
      this.n = n;
      this.k = k;
      this.beta = beta;
      int rowPanels = (m + MR - 1) / MR;
      int allColPanels = (n + NR - 1) / NR;
      boolean big = (long) m * n * k >= PARALLEL && Parallel.threads() > 1;
      int rowBlocks = (rowPanels + MC / MR - 1) / (MC / MR);
      boolean rowBlockSplit = big && !FORCE_COLUMN_SPLIT
          && rowBlocks >= MIN_ROW_BLOCKS_PER_THREAD * Parallel.threads();
      if (big && !rowBlockSplit && allColPanels >= 2 * Parallel.threads()) {
        int blocksOfK = (k + KC - 1) / KC;
        int chunk = columnChunk(allColPanels);
        int chunks = (allColPanels + chunk - 1) / chunk;
        if (chunks < 2 * Parallel.threads() && blocksOfK >= 2
            && (long) blocksOfK * m * n <= MAX_PARTIAL_FLOATS) {
          depthSplit(allColPanels, blocksOfK);
        } else {
          columnSplit(rowPanels, allColPanels);
        }
        return;
      }
      boolean parallel = big && rowPanels > 1;
      int maxPanels = (Math.min(n, NC) + NR - 1) / NR;
      if (packedB.length < maxPanels * NR * KC) {
        packedB = new float[maxPanels * NR * KC];
      }
      for (jc = 0; jc < n; jc += NC) {
        nc = Math.min(NC, n - jc);
        int colPanels = (nc + NR - 1) / NR;
        for (pc = 0; pc < k; pc += KC) {
          kc = Math.min(KC, k - pc);
          blockBeta = pc == 0 ? beta : 1f;
          if (rowBlockSplit) {
            Parallel.parallelFor(colPanels, 1, packB);
            Parallel.parallelForDynamic(rowPanels, MC / MR, multiply);
          } else if (parallel) {
            Parallel.parallelFor(colPanels, 1, packB);
            Parallel.parallelFor(rowPanels, 1, multiply);
          } else {
            packBPanels(0, colPanels);
            multiplyPanels(0, rowPanels);
          }
        }
      }
    }

    /**
     * The threads take chunks of C's column panels as they come free, per block of k: first
     * the whole of op(A)[:, pc:+kc] is packed once into {@link #sharedA} (its MR panels split
     * over the threads), then each chunk packs its own columns of op(B) and multiplies all of
     * C's rows over them. Chunks of a few panels rather than one half per thread, so that a
     * thread held up by another process leaves its remaining chunks to the other.
     */
    private void columnSplit(int rowPanels, int colPanels) {
      if (sharedA.length < rowPanels * MR * KC) {
        sharedA = new float[rowPanels * MR * KC];
      }
      int chunk = columnChunk(colPanels);
      for (pc = 0; pc < k; pc += KC) {
        kc = Math.min(KC, k - pc);
        blockBeta = pc == 0 ? beta : 1f;
        Parallel.parallelForDynamic(rowPanels, MC / MR, packShared);
        Parallel.parallelForDynamic(colPanels, chunk, columnChunk);
      }
    }

    /**
     * Column panels per chunk of the column split: about two chunks per thread, so that a
     * thread held up leaves work to the others, of {@link #MIN_CHUNK_PANELS} to {@link
     * #MAX_CHUNK_PANELS} panels.
     */
    private static int columnChunk(int colPanels) {
      return Math.max(1, Math.min(colPanels / Parallel.threads(),
          Math.min(MAX_CHUNK_PANELS, Math.max(MIN_CHUNK_PANELS,
              colPanels / (2 * Parallel.threads())))));
    }

    /** Packs the MR-tall panels [start, end) of op(A)[:, pc:+kc] into sharedA. */
    void packSharedPanels(int start, int end) {
      int ic = start * MR;
      packA(sharedA, ic * kc, ic, Math.min(m, end * MR) - ic, pc, kc);
    }

    /**
     * The split of a product too narrow for the column split to give each thread two chunks and
     * deep enough for two blocks of k (a dense layer's forward: 64 x 128 outputs, k = 3136,
     * seven blocks): the blocks of k become parts computed side by side, each into its own m×n
     * partial product, which are then added in the order of the blocks. That is the
     * sequential path's arithmetic: each block's sum runs in the micro-kernel from zero and is
     * written back as {@code alpha·acc + beta·C} for the first block and {@code alpha·acc + C}
     * after (fused multiply-adds), and {@link #sumDepthRows} applies the same expressions to
     * the partials in the same order, so the bits are the same for any thread count. A block's
     * columns go in parts too where the blocks alone would be fewer than about {@link
     * #DEPTH_PARTS_PER_THREAD} per thread; each part packs its own block of A (the column split
     * packs it once, but in a job of its own, and with two chunks per job the threads waited
     * for each other twice per block of k: in a JFR profile of two-thread CNN steps the
     * calling thread spent 41% of the dense forward waiting).
     */
    private void depthSplit(int allColPanels, int blocksOfK) {
      int threads = Parallel.threads();
      kBlocks = blocksOfK;
      colPanels = allColPanels;
      int wanted = (DEPTH_PARTS_PER_THREAD * threads + blocksOfK - 1) / blocksOfK;
      int parts = Math.min(allColPanels, wanted);
      partPanels = (allColPanels + parts - 1) / parts;
      colParts = (allColPanels + partPanels - 1) / partPanels;
      int floats = blocksOfK * m * n;
      if (partials.length < floats) {
        partials = new float[floats];
      }
      Parallel.parallelForDynamic(blocksOfK * colParts, 1, depthParts);
      Parallel.parallelForDynamic(m, Parallel.balancedChunk(m, MR), depthSum);
    }

    /**
     * Parts [start, end) of the depth split (this may run on a pool worker): part i is block i /
     * colParts of k over column panels of part i % colParts, into that block's partial
     * product with alpha 1 and beta 0 (acc itself, exactly).
     */
    void multiplyDepthParts(int start, int end) {
      Context own = CONTEXT.get();
      int rowPanels = (m + MR - 1) / MR;
      if (own.sharedA.length < rowPanels * MR * KC) {
        own.sharedA = new float[rowPanels * MR * KC];
      }
      if (own.packedB.length < partPanels * NR * KC) {
        own.packedB = new float[partPanels * NR * KC];
      }
      float[] pa = own.sharedA;
      float[] pb = own.packedB;
      float[] tile = own.tile;
      for (int part = start; part < end; part++) {
        int block = part / colParts;
        int firstPanel = part % colParts * partPanels;
        int panels = Math.min(partPanels, colPanels - firstPanel);
        int depth = block * KC;
        int steps = Math.min(KC, k - depth);
        int j0 = firstPanel * NR;
        int cols = Math.min(n, j0 + panels * NR) - j0;
        packA(pa, 0, 0, m, depth, steps);
        packB(pb, j0, cols, 0, panels, depth, steps);
        int at = block * m * n;
        for (int ic = 0; ic < m; ic += MC) {
          int mc = Math.min(MC, m - ic);
          for (int jr = 0; jr < cols; jr += NR) {
            int nr = Math.min(NR, cols - jr);
            for (int ir = 0; ir < mc; ir += MR) {
              kernel(steps, pa, (ic + ir) * steps, pb, jr * steps, partials,
                  at + (ic + ir) * n + j0 + jr, n, 1f, 0f, Math.min(MR, mc - ir), nr, tile);
            }
          }
        }
      }
    }

    /**
     * Rows [start, end) of C from the depth split's partials, in the order of the blocks of k,
     * by the micro-kernel's write-back expressions: {@code alpha·P0} (beta 0) or {@code
     * fma(P0, alpha, beta·C)}, then {@code fma(Pb, alpha, C)} for each later block b.
     */
    void sumDepthRows(int start, int end) {
      FloatVector va = FloatVector.broadcast(F, alpha);
      FloatVector vb = FloatVector.broadcast(F, beta);
      int bound = F.loopBound(n);
      int blockFloats = m * n;
      for (int i = start; i < end; i++) {
        int row = cOff + i * ldc;
        int from = i * n;
        int j = 0;
        for (; j < bound; j += L) {
          FloatVector v = FloatVector.fromArray(F, partials, from + j);
          v = beta == 0 ? v.mul(va) : v.fma(va, FloatVector.fromArray(F, c, row + j).mul(vb));
          for (int block = 1; block < kBlocks; block++) {
            v = FloatVector.fromArray(F, partials, block * blockFloats + from + j).fma(va, v);
          }
          v.intoArray(c, row + j);
        }
        for (; j < n; j++) {
          float acc = partials[from + j];
          float v = beta == 0 ? alpha * acc : Math.fma(acc, alpha, beta * c[row + j]);
          for (int block = 1; block < kBlocks; block++) {
            v = Math.fma(partials[block * blockFloats + from + j], alpha, v);
          }
          c[row + j] = v;
        }
      }
    }

    /**
     * C[:, start·NR : end·NR] (clipped to n) of the current k block: packs those columns of
     * op(B) into the calling thread's own buffer (this may run on a pool worker) and
     * multiplies every row panel of the shared packed A by them, MC rows at a time so that a
     * block of A stays in L2 across the chunk's panels.
     */
    void multiplyColumnChunk(int start, int end) {
      Context own = CONTEXT.get();
      int panels = end - start;
      if (own.packedB.length < panels * NR * KC) {
        own.packedB = new float[panels * NR * KC];
      }
      float[] pb = own.packedB;
      float[] tile = own.tile;
      float[] pa = sharedA;
      int j0 = start * NR;
      int cols = Math.min(n, end * NR) - j0;
      packB(pb, j0, cols, 0, panels, pc, kc);
      for (int ic = 0; ic < m; ic += MC) {
        int mc = Math.min(MC, m - ic);
        for (int jr = 0; jr < cols; jr += NR) {
          int nr = Math.min(NR, cols - jr);
          for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            kernel(kc, pa, (ic + ir) * kc, pb, jr * kc, c, cOff + (ic + ir) * ldc + j0 + jr,
                ldc, alpha, blockBeta, mr, nr, tile);
          }
        }
      }
    }

    /** Drops the references to the caller's arrays, so that a context pins no garbage. */
    void release() {
      a = null;
      b = null;
      c = null;
    }

    /** Packs the NR-wide panels [start, end) of op(B)[pc:+kc, jc:+nc] into packedB. */
    void packBPanels(int start, int end) {
      packB(packedB, jc, nc, start, end, pc, kc);
    }

    /** Packs the NR-wide panels [start, end) of op(B)[pc:+kc, from:+cols] into pb. */
    private void packB(float[] pb, int from, int cols, int start, int end, int pc, int kc) {
      for (int jp = start; jp < end; jp++) {
        int j0 = from + jp * NR;
        int nr = Math.min(NR, from + cols - j0);
        int dst = jp * NR * kc;
        if (!transB) {
          // op(B)[p][j] = b[p·ldb + j]: each step is a run of NR contiguous values
          int src = bOff + pc * ldb + j0;
          if (nr == NR) {
            for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
              FloatVector.fromArray(F, b, src).intoArray(pb, dst);
              FloatVector.fromArray(F, b, src + L).intoArray(pb, dst + L);
            }
          } else {
            for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
              for (int j = 0; j < nr; j++) {
                pb[dst + j] = b[src + j];
              }
              for (int j = nr; j < NR; j++) {
                pb[dst + j] = 0;
              }
            }
          }
        } else {
          // op(B)[p][j] = b[j·ldb + p]: a transpose. A full panel with 8 lanes goes 8x8
          // blocks at a time in registers (the two halves of its 16 columns in turn): a JFR
          // profile put a quarter of a convolution's weight gradient (dy·colᵀ) in the scalar
          // loop below, and NT at n = 1024 went from 12% to 4% slower than NN (README,
          // sgemm section). The rest goes TRANSPOSE_STEPS steps of k at a time so that the
          // panel rows being written (TRANSPOSE_STEPS·NR floats) and the NR short runs of B
          // being read stay in L1; column by column over all kc steps, each store went to
          // another cache line of a panel as large as L1 (NT was 21% slower than NN)
          int rows = bOff + j0 * ldb + pc;
          int p0 = 0;
          if (nr == NR && Transpose8.AVAILABLE) {
            int[] rowAt = CONTEXT.get().transposeRows;
            for (int j = 0; j < NR; j++) {
              rowAt[j] = rows + j * ldb;
            }
            for (; p0 + 8 <= kc; p0 += 8) {
              Transpose8.rows(b, rowAt, 0, p0, pb, dst + p0 * NR, NR);
              Transpose8.rows(b, rowAt, L, p0, pb, dst + p0 * NR + L, NR);
            }
          }
          for (; p0 < kc; p0 += TRANSPOSE_STEPS) {
            int pe = Math.min(kc, p0 + TRANSPOSE_STEPS);
            for (int j = 0; j < nr; j++) {
              int src = rows + j * ldb;
              for (int p = p0; p < pe; p++) {
                pb[dst + p * NR + j] = b[src + p];
              }
            }
            for (int j = nr; j < NR; j++) {
              for (int p = p0; p < pe; p++) {
                pb[dst + p * NR + j] = 0;
              }
            }
          }
        }
      }
    }

    /**
     * Multiplies the MR-tall row panels [start, end) of C's block by the packed B block, MC rows
     * at a time, with the calling thread's own A buffer (this may run on a pool worker).
     */
    void multiplyPanels(int start, int end) {
      Context own = CONTEXT.get();
      if (own.packedA.length < MC * KC) {
        own.packedA = new float[MC * KC];
      }
      float[] pa = own.packedA;
      float[] tile = own.tile;
      float[] pb = packedB;
      int rowEnd = Math.min(m, end * MR);
      for (int ic = start * MR; ic < rowEnd; ic += MC) {
        int mc = Math.min(MC, rowEnd - ic);
        packA(pa, 0, ic, mc, pc, kc);
        if ((long) m * nc >= ROWS_OUTER_FLOATS) {
          for (int ir = 0; ir < mc; ir += MR) {
            for (int jr = 0; jr < nc; jr += NR) {
              multiplyTile(pa, pb, tile, ic, ir, mc, jr);
            }
          }
          continue;
        }
        for (int jr = 0; jr < nc; jr += NR) {
          for (int ir = 0; ir < mc; ir += MR) {
            multiplyTile(pa, pb, tile, ic, ir, mc, jr);
          }
        }
      }
    }

    /**
     * The MR×NR tile of C at rows ic + ir, columns jc + jr of the current block: row panel ir
     * of the packed A block (mc rows from ic) times column panel jr of the packed B block.
     */
    private void multiplyTile(float[] pa, float[] pb, float[] tile, int ic, int ir, int mc,
        int jr) {
      kernel(kc, pa, ir * kc, pb, jr * kc, c, cOff + (ic + ir) * ldc + jc + jr, ldc, alpha,
          blockBeta, Math.min(MR, mc - ir), Math.min(NR, nc - jr), tile);
    }

    /** Packs op(A)[ic:+mc, pc:+kc] into MR-tall panels from pa[at], zero rows past mc. */
    private void packA(float[] pa, int at, int ic, int mc, int pc, int kc) {
      for (int ir = 0; ir < mc; ir += MR) {
        int mr = Math.min(MR, mc - ir);
        int dst = at + ir * kc;
        if (!transA) {
          // op(A)[i][p] = a[i·lda + p]: read each of the MR rows along k
          for (int r = 0; r < mr; r++) {
            int src = aOff + (ic + ir + r) * lda + pc;
            for (int p = 0; p < kc; p++) {
              pa[dst + p * MR + r] = a[src + p];
            }
          }
        } else {
          // op(A)[i][p] = a[p·lda + i]: each step is a run of MR contiguous values
          int src = aOff + pc * lda + ic + ir;
          for (int p = 0; p < kc; p++, src += lda) {
            for (int r = 0; r < mr; r++) {
              pa[dst + p * MR + r] = a[src + r];
            }
          }
        }
        for (int r = mr; r < MR; r++) {
          for (int p = 0; p < kc; p++) {
            pa[dst + p * MR + r] = 0;
          }
        }
      }
    }
  }

  /**
   * The micro-kernel: {@code C[0:mr, 0:nr] = alpha·(Apanel·Bpanel) + beta·C} for one MR×NR tile,
   * reading kc steps of MR values of A and NR values of B. The 12 accumulators are locals, so
   * C2 keeps them in registers. {@link WinogradConv} calls it too, on panels that its
   * transforms write already packed.
   */
  static void kernel(int kc, float[] pa, int aAt, float[] pb, int bAt,
      float[] c, int cAt, int ldc, float alpha, float beta, int mr, int nr, float[] tile) {
    FloatVector c00 = FloatVector.zero(F);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c50 = c00;
    FloatVector c51 = c00;
    for (int p = 0; p < kc; p++) {
      int ai = aAt + p * MR;
      int bi = bAt + p * NR;
      FloatVector b0 = FloatVector.fromArray(F, pb, bi);
      FloatVector b1 = FloatVector.fromArray(F, pb, bi + L);
      FloatVector av = FloatVector.broadcast(F, pa[ai]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      av = FloatVector.broadcast(F, pa[ai + 1]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      av = FloatVector.broadcast(F, pa[ai + 2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      av = FloatVector.broadcast(F, pa[ai + 3]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
      av = FloatVector.broadcast(F, pa[ai + 4]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(F, pa[ai + 5]);
      c50 = av.fma(b0, c50);
      c51 = av.fma(b1, c51);
    }
    // The write-back is written out here rather than in a helper taking a vector: a helper
    // that C2 declines to inline (it is not hot, since it runs once per tile) would box it.
    if (mr == MR && nr == NR) {
      FloatVector va = FloatVector.broadcast(F, alpha);
      int r0 = cAt;
      int r1 = r0 + ldc;
      int r2 = r1 + ldc;
      int r3 = r2 + ldc;
      int r4 = r3 + ldc;
      int r5 = r4 + ldc;
      if (beta == 0) {
        c00.mul(va).intoArray(c, r0);
        c01.mul(va).intoArray(c, r0 + L);
        c10.mul(va).intoArray(c, r1);
        c11.mul(va).intoArray(c, r1 + L);
        c20.mul(va).intoArray(c, r2);
        c21.mul(va).intoArray(c, r2 + L);
        c30.mul(va).intoArray(c, r3);
        c31.mul(va).intoArray(c, r3 + L);
        c40.mul(va).intoArray(c, r4);
        c41.mul(va).intoArray(c, r4 + L);
        c50.mul(va).intoArray(c, r5);
        c51.mul(va).intoArray(c, r5 + L);
      } else {
        // all loads before the first store: a load that follows a store to an address 4 KiB
        // apart (rows of C often are) would wait for it (4K aliasing)
        FloatVector vb = FloatVector.broadcast(F, beta);
        c00 = c00.fma(va, FloatVector.fromArray(F, c, r0).mul(vb));
        c01 = c01.fma(va, FloatVector.fromArray(F, c, r0 + L).mul(vb));
        c10 = c10.fma(va, FloatVector.fromArray(F, c, r1).mul(vb));
        c11 = c11.fma(va, FloatVector.fromArray(F, c, r1 + L).mul(vb));
        c20 = c20.fma(va, FloatVector.fromArray(F, c, r2).mul(vb));
        c21 = c21.fma(va, FloatVector.fromArray(F, c, r2 + L).mul(vb));
        c30 = c30.fma(va, FloatVector.fromArray(F, c, r3).mul(vb));
        c31 = c31.fma(va, FloatVector.fromArray(F, c, r3 + L).mul(vb));
        c40 = c40.fma(va, FloatVector.fromArray(F, c, r4).mul(vb));
        c41 = c41.fma(va, FloatVector.fromArray(F, c, r4 + L).mul(vb));
        c50 = c50.fma(va, FloatVector.fromArray(F, c, r5).mul(vb));
        c51 = c51.fma(va, FloatVector.fromArray(F, c, r5 + L).mul(vb));
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + L);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + L);
      }
      return;
    }
    // an edge tile: park the accumulators, write back only the rows and columns inside C
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    c10.intoArray(tile, NR);
    c11.intoArray(tile, NR + L);
    c20.intoArray(tile, 2 * NR);
    c21.intoArray(tile, 2 * NR + L);
    c30.intoArray(tile, 3 * NR);
    c31.intoArray(tile, 3 * NR + L);
    c40.intoArray(tile, 4 * NR);
    c41.intoArray(tile, 4 * NR + L);
    c50.intoArray(tile, 5 * NR);
    c51.intoArray(tile, 5 * NR + L);
    for (int r = 0; r < mr; r++) {
      for (int j = 0; j < nr; j++) {
        int at = cAt + r * ldc + j;
        c[at] = beta == 0 ? alpha * tile[r * NR + j]
            : Math.fma(tile[r * NR + j], alpha, beta * c[at]);
      }
    }
  }

  /**
   * Small product with B not transposed: 4 rows of C by one vector of columns at a time, each
   * step of k broadcasting op(A)[i][p] (wherever transA puts it) against a row of B.
   *
   * <p>The blocks are two helpers, full vectors and a scalar last block, rather than one loop
   * body with masks: as one method of 770 bytecodes C1 failed to compile it ("out of virtual
   * registers": the Vector API's force-inlined code is large, masked loads and stores most), and
   * when the JIT had first compiled it at tier 2 (as it does when C2's queue is long) the tier-3
   * compile failed, so it never reached C2 and ran the Vector API's Java fallback, boxing every
   * vector, for the rest of the JVM's life: the layers' recurrent convergence test took 31 s
   * instead of 8. The helpers take no vectors, so a call that C2 does not inline boxes nothing.
   */
  private static void smallBroadcastA(boolean transA, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    int rowStep = transA ? 1 : lda; // op(A)[i][p] = a[aOff + i·rowStep + p·colStep]
    int colStep = transA ? lda : 1;
    for (int i = 0; i < m; i += 4) {
      // rows past m repeat the last row, so the block stays 4 tall; they are not written
      int a0 = aOff + i * rowStep;
      int a1 = aOff + Math.min(i + 1, m - 1) * rowStep;
      int a2 = aOff + Math.min(i + 2, m - 1) * rowStep;
      int a3 = aOff + Math.min(i + 3, m - 1) * rowStep;
      int rows = Math.min(4, m - i);
      int j = 0;
      for (; j + L <= n; j += L) {
        smallBlock(k, alpha, a, a0, a1, a2, a3, colStep, b, bOff + j, ldb, beta, c,
            cOff + i * ldc + j, ldc, rows);
      }
      if (j < n) {
        smallBlockMasked(k, alpha, a, a0, a1, a2, a3, colStep, b, bOff + j, ldb, beta, c,
            cOff + i * ldc + j, ldc, rows, n - j);
      }
    }
  }

  /** One full block of smallBroadcastA: rows × L of C from c[at]. */
  private static void smallBlock(int k, float alpha, float[] a, int a0, int a1, int a2, int a3,
      int colStep, float[] b, int bp, int ldb, float beta, float[] c, int at, int ldc,
      int rows) {
    FloatVector s0 = FloatVector.zero(F);
    FloatVector s1 = s0;
    FloatVector s2 = s0;
    FloatVector s3 = s0;
    for (int p = 0, ap = 0; p < k; p++, ap += colStep, bp += ldb) {
      FloatVector bv = FloatVector.fromArray(F, b, bp);
      s0 = FloatVector.broadcast(F, a[a0 + ap]).fma(bv, s0);
      s1 = FloatVector.broadcast(F, a[a1 + ap]).fma(bv, s1);
      s2 = FloatVector.broadcast(F, a[a2 + ap]).fma(bv, s2);
      s3 = FloatVector.broadcast(F, a[a3 + ap]).fma(bv, s3);
    }
    // written out, not in a helper taking a vector (see kernel)
    FloatVector va = FloatVector.broadcast(F, alpha);
    if (beta == 0) {
      s0.mul(va).intoArray(c, at);
      if (rows > 1) {
        s1.mul(va).intoArray(c, at + ldc);
      }
      if (rows > 2) {
        s2.mul(va).intoArray(c, at + 2 * ldc);
      }
      if (rows > 3) {
        s3.mul(va).intoArray(c, at + 3 * ldc);
      }
    } else {
      FloatVector vb = FloatVector.broadcast(F, beta);
      s0.fma(va, FloatVector.fromArray(F, c, at).mul(vb)).intoArray(c, at);
      if (rows > 1) {
        at += ldc;
        s1.fma(va, FloatVector.fromArray(F, c, at).mul(vb)).intoArray(c, at);
      }
      if (rows > 2) {
        at += ldc;
        s2.fma(va, FloatVector.fromArray(F, c, at).mul(vb)).intoArray(c, at);
      }
      if (rows > 3) {
        at += ldc;
        s3.fma(va, FloatVector.fromArray(F, c, at).mul(vb)).intoArray(c, at);
      }
    }
  }

  /**
   * The last block of smallBroadcastA, rows × cols of C from c[at] with cols < L, in scalar
   * code: the same fused multiply-adds in the same order as a vector lane, so the result is bit
   * for bit what a masked vector would give, and C1 can compile it (it cannot compile masked
   * vector code, see smallBroadcastA).
   */
  private static void smallBlockMasked(int k, float alpha, float[] a, int a0, int a1, int a2,
      int a3, int colStep, float[] b, int bp, int ldb, float beta, float[] c, int at, int ldc,
      int rows, int cols) {
    for (int q = 0; q < cols; q++) {
      float s0 = 0;
      float s1 = 0;
      float s2 = 0;
      float s3 = 0;
      for (int p = 0, ap = 0, bq = bp + q; p < k; p++, ap += colStep, bq += ldb) {
        float bv = b[bq];
        s0 = Math.fma(a[a0 + ap], bv, s0);
        s1 = Math.fma(a[a1 + ap], bv, s1);
        s2 = Math.fma(a[a2 + ap], bv, s2);
        s3 = Math.fma(a[a3 + ap], bv, s3);
      }
      int to = at + q;
      c[to] = scaled(s0, alpha, beta, c[to]);
      if (rows > 1) {
        c[to + ldc] = scaled(s1, alpha, beta, c[to + ldc]);
      }
      if (rows > 2) {
        c[to + 2 * ldc] = scaled(s2, alpha, beta, c[to + 2 * ldc]);
      }
      if (rows > 3) {
        c[to + 3 * ldc] = scaled(s3, alpha, beta, c[to + 3 * ldc]);
      }
    }
  }

  /** alpha·sum + beta·old, or alpha·sum when beta = 0 (old, maybe NaN, is then ignored). */
  private static float scaled(float sum, float alpha, float beta, float old) {
    return beta == 0 ? sum * alpha : Math.fma(sum, alpha, old * beta);
  }

  /**
   * Small product with B transposed and A not: C[i][j] is the dot product of row i of A and
   * row j of B, both contiguous along k; 4 columns at a time share each vector of A.
   */
  private static void smallRowsDotRows(int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    int bound = F.loopBound(k);
    for (int i = 0; i < m; i++) {
      int ai = aOff + i * lda;
      for (int j = 0; j < n; j += 4) {
        // columns past n repeat the last one, so the block stays 4 wide; they are not written
        int b0 = bOff + j * ldb;
        int b1 = bOff + Math.min(j + 1, n - 1) * ldb;
        int b2 = bOff + Math.min(j + 2, n - 1) * ldb;
        int b3 = bOff + Math.min(j + 3, n - 1) * ldb;
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int p = 0;
        for (; p < bound; p += L) {
          FloatVector av = FloatVector.fromArray(F, a, ai + p);
          s0 = av.fma(FloatVector.fromArray(F, b, b0 + p), s0);
          s1 = av.fma(FloatVector.fromArray(F, b, b1 + p), s1);
          s2 = av.fma(FloatVector.fromArray(F, b, b2 + p), s2);
          s3 = av.fma(FloatVector.fromArray(F, b, b3 + p), s3);
        }
        // the last k % L steps in scalar code, added after the lanes' sum: a masked load
        // would box on AVX2 (see the class comment of SimdElementwise)
        float t0 = 0;
        float t1 = 0;
        float t2 = 0;
        float t3 = 0;
        for (; p < k; p++) {
          float av = a[ai + p];
          t0 = Math.fma(av, b[b0 + p], t0);
          t1 = Math.fma(av, b[b1 + p], t1);
          t2 = Math.fma(av, b[b2 + p], t2);
          t3 = Math.fma(av, b[b3 + p], t3);
        }
        int at = cOff + i * ldc + j;
        int cols = Math.min(4, n - j);
        float[] lanes = VectorMath.lanes();
        s0.intoArray(lanes, 0);
        c[at] = combine(VectorMath.sumLanes(lanes) + t0, alpha, beta, c[at]);
        if (cols > 1) {
          s1.intoArray(lanes, 0);
          c[at + 1] = combine(VectorMath.sumLanes(lanes) + t1, alpha, beta, c[at + 1]);
        }
        if (cols > 2) {
          s2.intoArray(lanes, 0);
          c[at + 2] = combine(VectorMath.sumLanes(lanes) + t2, alpha, beta, c[at + 2]);
        }
        if (cols > 3) {
          s3.intoArray(lanes, 0);
          c[at + 3] = combine(VectorMath.sumLanes(lanes) + t3, alpha, beta, c[at + 3]);
        }
      }
    }
  }

  /** {@code alpha·sum + beta·old}, ignoring old when beta = 0 (it may be NaN). */
  private static float combine(float sum, float alpha, float beta, float old) {
    return beta == 0 ? alpha * sum : Math.fma(sum, alpha, beta * old);
  }

  /** {@code C = beta·C}; with beta = 0, zeros whatever C held. */
  private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
    FloatVector zero = FloatVector.zero(F);
    int bound = F.loopBound(n);
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      int j = 0;
      for (; j < bound; j += L) {
        (beta == 0 ? zero : FloatVector.fromArray(F, c, row + j).mul(beta))
            .intoArray(c, row + j);
      }
      for (; j < n; j++) {
        c[row + j] = beta == 0 ? 0f : c[row + j] * beta;
      }
    }
  }
}
