import { startLocal } from '../functions/local/local-runtime';

// Child process for http-throughput: the embedded API on a free port; reports its URL.
startLocal({ port: 0 }).then((runtime) => process.send?.({ url: runtime.url }));
