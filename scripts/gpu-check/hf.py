"""hf.py DIR — gpu-check.sh's hf stage, the reference half: tiny random GPT2LMHeadModel and
LlamaForCausalLM (grouped-query attention, Llama 3 rope_scaling, untied head) built by transformers
itself, saved with save_pretrained together with a byte-level BPE tokenizer trained by `tokenizers`
on a few lines, and their answers in DIR/expected.json: logits for a fixed text, 20 greedy tokens
(transformers' generate) and the tokenizer's ids for a few texts; and a tiny random BertModel with
its last_hidden_state and pooler_output for a padded batch of 2 with two token types. hf.js loads the folders with
flintml and compares. Exit 3 (the stage says SKIPPED) when transformers or tokenizers is missing.
"""
import json
import os
import sys

try:
    import torch
    import transformers
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import BertConfig, BertModel, GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast
except ImportError as e:
    print(f'hf: python has no {e.name} ({e}): nothing to compare with')
    sys.exit(3)

out = sys.argv[1]
LINES = ['the quick brown fox jumps over the lazy dog', 'a tiny model reads a tiny text', 'flintml loads hugging face folders',
         'tokens become ids and ids become tokens again', 'greedy decoding picks the most likely token']
TEXTS = ['the quick brown fox', 'Hello, world! 123', 'tokens and ids, again and again', '  spaces  and\nnew lines']

tok = Tokenizer(models.BPE())
tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
tok.decoder = decoders.ByteLevel()
tok.train_from_iterator(LINES, trainers.BpeTrainer(vocab_size=300, special_tokens=['<|endoftext|>'], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token='<|endoftext|>', bos_token='<|endoftext|>')
V = tok.get_vocab_size()

torch.manual_seed(0)
# no eos: generate then never stops early, and its 20 tokens compare one for one (GPT-2's default ids,
# 50256, would also lie outside this vocabulary)
NO_EOS = {'bos_token_id': None, 'eos_token_id': None, 'pad_token_id': None}
configs = {
    'gpt2': (GPT2LMHeadModel, GPT2Config(vocab_size=V, n_positions=64, n_embd=32, n_layer=2, n_head=4, initializer_range=0.3, **NO_EOS)),
    'llama': (LlamaForCausalLM, LlamaConfig(vocab_size=V, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                                             num_key_value_heads=2, max_position_embeddings=128, rope_theta=500000.0, tie_word_embeddings=False,
                                             rope_scaling={'rope_type': 'llama3', 'factor': 8.0, 'low_freq_factor': 1.0, 'high_freq_factor': 4.0,
                                                           'original_max_position_embeddings': 32}, initializer_range=0.3, **NO_EOS)),
}
expected = {'transformers': transformers.__version__, 'tokenizer': {t: fast(t)['input_ids'] for t in TEXTS}}
ids = fast(TEXTS[0])['input_ids']
for name, (cls, cfg) in configs.items():
    model = cls(cfg).eval()
    d = os.path.join(out, name)
    model.save_pretrained(d, safe_serialization=True)
    fast.save_pretrained(d)
    x = torch.tensor([ids])
    with torch.no_grad():
        logits = model(x).logits[0]
        gen = model.generate(x, max_new_tokens=20, min_new_tokens=20, do_sample=False, pad_token_id=0)[0, len(ids):].tolist()
    expected[name] = {'ids': ids, 'logits': logits.reshape(-1).tolist(), 'greedy': gen}

bert = BertModel(BertConfig(vocab_size=V, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
                            max_position_embeddings=64, initializer_range=0.3)).eval()
bert.save_pretrained(os.path.join(out, 'bert'), safe_serialization=True)
bids = torch.randint(1, V, (2, 8))
bids[1, 5:] = 0  # padding (pad_token_id 0) in the second row
bmask = (bids != 0).long()
btypes = torch.zeros_like(bids)
btypes[0, 4:] = 1
with torch.no_grad():
    bout = bert(input_ids=bids, attention_mask=bmask, token_type_ids=btypes)
expected['bert'] = {'input_ids': bids.tolist(), 'attention_mask': bmask.tolist(), 'token_type_ids': btypes.tolist(),
                    'last_hidden_state': bout.last_hidden_state.reshape(-1).tolist(), 'pooler_output': bout.pooler_output.reshape(-1).tolist()}
with open(os.path.join(out, 'expected.json'), 'w') as f:
    json.dump(expected, f)
print(f'hf: transformers {transformers.__version__}, torch {torch.__version__}: gpt2, llama and bert saved, vocab {V}')
