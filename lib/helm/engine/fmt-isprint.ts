/**
 * Go 1.19's strconv printability tables (strconv/isprint.go, generated there from Unicode 13.0.0),
 * which decide what strconv.Quote and %q leave unescaped. JavaScript's own Unicode data is newer,
 * so it would keep characters that Go escapes. Each list is delta-encoded in base 36.
 */
export const isPrint16 = decode(
  "w 2m z k6 3 5 5 cy 3 1d 3 1m 9 q 5 5 i l 3 6n 3 1m 3 2s f 1m 3 1c 3 17 3 c 1i 13 c 55 3 1 3 v 4 3 3 " +
  "8 3 1 3 3 9 0 5 7 3 o 3 9 5 1 3 12 3 6 5 1 3 2 4 0 8 5 8 g b 1k 3 h 3 0 g 3 3 b 8 j 3 1 3 12 3 8 3 1 " +
  "3 2 8 2 5 7 3 h b 8 4 7 4 6 4 1 4 2 4 b 5 4 4 7 3 0 7 0 f k 6 1l 4 g 8 5 6 3 3 9 8 1u 3 h 8 1 8 5 3 " +
  "c e 27 5 f 3 1c 4 z 3 6 4 0 5 g 7 9 3 2 d 1l 5 s 12 1o 3 d 3 9 3 3 x 30 5 2x 12 5j 6 0 3 al 3 d 3 19 " +
  "3 11 3 d 3 25 3 1u 3 v 4 p 7 2d 3 5 3 ik 4 2g 8 k c m a j d j d 2l 3 9 7 9 7 d 3 9 7 2g 8 16 6 1x b " +
  "17 5 b 5 0 4 15 3 4 c 17 5 p 7 a 4 1p 3 2m 3 a 7 9 7 d 3 g 1s 23 5 18 4 37 9 1n 4 e 4 1n 8 16 3 a 9 " +
  "16 6 et 3 5 3 11 3 5 3 19 3 2b 3 p 3 c i n 9 1a i 1 3 14 4 v h w g 3v 5 ie q a m 1eb 3 al 6 1a 6 0 3 " +
  "1j 8 1 f n a 4y 1a 37 d 5x r b 6 45 3 2u 6 66 d lqk 4 wc 4 1i a 9n l 53 9 5b 3 8 17 1j 4 9 7 1j 9 1x " +
  "9 b 7 37 c t 4 2h 5 2g a d 3 9 3 2u p r b 5 3 5 3 5 a 23 5 3h 3 9 7 8mb d m 5 1c 6it a5 3 2x 13 6 d " +
  "4 6 4k i a4 h 1r 3 1h 15 d 3 p 7 23 5 3w 5 59 4 5 3 5 3 5 3 2 4 e e 1",
);

export const isNotPrint16 = decode(
  "4t ke 2 l b2 2o 99 9u w 2e 19 4i 11 8 19 12 11 8 3 3 6 w 13 a 4 n 8 3 i 4 1i 4 11 8 3 16 12 d a 2 18 " +
  "1w 4 o s 4 e 1i 4 o b h 4 m h t 4 1g 4 1j 4 1a a p 2 4s 2 6 p 2 v 2 3l 28 11 g 6x ar e 2 1c 14 e 2 m " +
  "1m of 3x 2o 4 by 8w pn 9q 2 2 2 2f g n p 4a 26f 49 1c 5j 3l 8 8 8 8 8 8 8 57 bq 6o 2n 40 nn3 1d 88 8 " +
  "ft4 6 2 3 3 lq k e aa",
);

export const isPrint32 = decode(
  "1ekg 25 3 d z 3e 6 2 5 18 4 2t 4 0 1c 19 3n s 4 1c g r 5 z a t 6 16 6 1v 5 d 17 4d 3 9 7 z 5 z 5 13 " +
  "9 1f c 0 41 8m a l b 7 49 5 3 1c 4 0 3 2n 9 8 1d l 6 w 4 q 6 0 1t 1j 5 j 3 1g 6 15 3 2 5 9 8 8 8 1r " +
  "x 12 5 b a 1h 4 s 3 q 6 p 8 3 d 6 29 20 1k 1e e 1e 8 19 9 9 87 25 3 1 27 13 9 15 2f r l m a 25 5 t g " +
  "1u f o 8 9 7 1z 9 12 a 38 c 1q 1u 15 7 1m 6 9 7 c 3 1 3 1d 3 1 3 2 3 0 7 0 6 6 3 6 4 4 3w 2p v 1z 9 " +
  "9 4n 1h 3 11 z 1w c 9 7 c k 1k 8 9 1j q 3 e 5 f 5d 1n 2t 2a d 7 3 0 3 18 3 b a 9 1z 7 3 19 3 a s 1z " +
  "9 2a u 1k 7c 1x b s 4 v 3 10 22 1i 4 d 9 9 7 1k 8 9 8n o 54 0 g 1d e pm 2v 38 c 5f 24d tq 34i g6 6nu " +
  "fs 8 15 5 1 2p t 3 5 b 1x b 13 6 i j5 2i 2u 22 5 1k 8 g 1t 4 c 1 f 4qf 9 yd 17 8 6wo 7y 1e 2 i 3 9 " +
  "az 1s5 2y 6 c 4 8 8 9 3 3 3tt 6t b 12 3 21 9 31 o 1x 4b j d 2e a o 3s 4f 3 0 3 1 3 2p 3 1l 4 9n 3 83 " +
  "3 jh g k 11t o 3 f 5y 18 4 d 3 9 5 1 a9 1l 6 0 zl 5g 3 f 16 23 5 9 5 1 lu 1v 25 1o 5f 10 3 k 7 0 5 d " +
  "3 d 3 1g 6 q 1h 1 7j 17 5 2r d e 3 1w b 4t 1l s e 17 5 8 8 1 f 5 4b rb 9 c 4 c 4 37 d 2g 8 b l b 5 " +
  "1j 9 9 7 13 9 t 3 1 27 9f d d 3 4 4 2 6 6 a o 8 6 a 2 e 6 16 5m 12 9 sn wyl z 378 c 65 3 4g1 f 5rk " +
  "2e8 f1 15v 3t6 fcmu 6n",
);

export const isNotPrint32 = decode(
  "c r k 3 9d en vf 19 w 4d 7l g 4 vb 17 er 3c 4r 1e 39 2 5 g 2u 11 8 3 6 82 xk 3 v k3 1a 35 2n 3 1d 3 " +
  "14 3 12 3 1ct dtc 6z 8 kqb 20 g d 2 8 1u f 8 t 5 6 c 11r 12f r 3 2qn s 3 5 b 5 2 e 2 2 4 3 5 2 2 2 2 " +
  "3 8 8 5 5 2 b q 6 eu g 1pl 2b cn",
);

export const isGraphic = decode(
  "4g 4bk 1vk 1 1 1 1 1 1 1 1 1 1 11 1c 335",
);

function decode(s: string): number[] {
  let prev = 0;
  return s.split(" ").map((d) => (prev += parseInt(d, 36)));
}
