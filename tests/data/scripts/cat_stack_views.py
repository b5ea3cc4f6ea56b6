"""cat vs stack, view and reshape, and the gradients flowing back through them."""
import torch

a = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
b = torch.tensor([5.0, 6.0, 7.0, 8.0], requires_grad=True)
joined = torch.cat([a, b])
stacked = torch.stack([a, b])
grid = joined.view(2, 4)
flat = stacked.reshape(-1)
score = (grid * 2).sum() + (flat ** 2).sum()
score.backward()
print(a.grad, b.grad)
